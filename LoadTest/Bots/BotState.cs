namespace Game.LoadTest;

/// <summary>Where a <see cref="Bot"/> is in its life.</summary>
public enum BotState
{
    /// <summary>Not started.</summary>
    Created,

    /// <summary>Opening the WebSocket.</summary>
    Connecting,

    /// <summary>Connected; sent <c>hello</c> and/or <c>join</c>, waiting for <c>welcome</c>/<c>joined</c>.</summary>
    Joining,

    /// <summary>Seated in its room, sending inputs and receiving snapshots.</summary>
    Playing,

    /// <summary>Never seated: the connection or the join failed (see <see cref="Bot.FailureReason"/>).</summary>
    Failed,

    /// <summary>Was playing; the connection was lost without the tester closing it.</summary>
    Disconnected,

    /// <summary>Closed by the tester at the end of the run.</summary>
    Closed,
}
