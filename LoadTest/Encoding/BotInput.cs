namespace Game.LoadTest;

/// <summary>One <c>input</c> message a bot sends (shared protocol.md, "Client → server").</summary>
/// <param name="Seq">Sequence number, increasing by one per input, starting at 1.</param>
/// <param name="ClientTimeMs">The client clock, ms since the Unix epoch (<c>time</c>).</param>
/// <param name="Vx">Direction x, in [-1, 1].</param>
/// <param name="Vy">Direction y, in [-1, 1].</param>
/// <param name="Attack">Whether to send <c>"attack":true</c>.</param>
public readonly record struct BotInput(long Seq, long ClientTimeMs, float Vx, float Vy, bool Attack);
