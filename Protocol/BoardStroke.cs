using Game.Grains.Interfaces;

namespace Game.Protocol;

/// <summary>
/// One stroke on a board as the server sends it: a <c>draw</c> message (server → client) and each entry of
/// <c>joined.strokes</c> (shared protocol.md v1.1, kind <c>board</c>).
/// </summary>
/// <param name="From">The player id of the stroke's author.</param>
/// <param name="Id">The stroke's number in the room, from 1.</param>
/// <param name="Points">
/// Interleaved <c>[x0, y0, x1, y1, …]</c>, board units (0–1000), as <see cref="ClientMessage.Points"/>: an even count,
/// sent as <c>[[x0, y0], [x1, y1], …]</c> with each float's shortest round-trip form.
/// </param>
/// <param name="Color">The stroke colour, sent as <c>[r, g, b]</c>.</param>
/// <param name="Width">The stroke width, board units (1–40).</param>
public readonly record struct BoardStroke(string From, long Id, ReadOnlyMemory<float> Points, Rgb Color, float Width);
