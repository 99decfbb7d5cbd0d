namespace Game.LoadTest;

/// <summary>One bot's figures at the end of the measurement window.</summary>
/// <param name="Index">The bot's number in its run.</param>
/// <param name="Name">Its player name.</param>
/// <param name="Room">Its room id.</param>
/// <param name="Url">The gateway it used.</param>
/// <param name="PlayerId">The id the server gave it, or null if it never got <c>welcome</c>.</param>
/// <param name="State">Its state when the window closed.</param>
/// <param name="JoinLatencyMs">Join latency (join sent → joined received), ms; null if never seated.</param>
/// <param name="SnapshotsReceived">Every <c>map</c> received, warm-up included.</param>
/// <param name="SnapshotsInWindow"><c>map</c>s received inside the measurement window.</param>
/// <param name="SnapshotsPerSecond"><paramref name="SnapshotsInWindow"/> divided by the window length, per second.</param>
/// <param name="InputsSent">Inputs sent.</param>
/// <param name="InputsPerSecond">Inputs sent inside the measurement window, per second (below the configured rate when the tester falls behind).</param>
/// <param name="InputsSkipped">Input slots skipped because the bot already had 4 sends pending (its socket is that far behind).</param>
/// <param name="InputsAcked">Inputs acknowledged (a <c>map</c> arrived with ack ≥ their seq), warm-up included.</param>
/// <param name="LastAck">The highest ack seen, or -1.</param>
/// <param name="Errors"><c>error</c> messages received.</param>
/// <param name="FailureReason">Why it failed or disconnected; null otherwise.</param>
/// <param name="LongestGapMs">The longest gap between two consecutive <c>map</c>s received inside the measurement window,
/// ms: the window's first <c>map</c> counts from the window's start, and for a bot still playing when the window closed
/// the time from its last <c>map</c> to the window's end counts too. Null when there was nothing to measure (the window
/// never opened, or the bot received no <c>map</c> in it and was not playing at its end). About one tick period
/// (50 ms at 20 Hz) in a healthy run; the pause a player saw when their room stopped or moved.</param>
/// <param name="AckRegressions">Times a <c>map</c> carried a lower ack for the bot than the previous <c>map</c> (an
/// acknowledged input lost), over the whole run; a <c>joined</c> starts afresh. 0 in a healthy run.</param>
public sealed record BotResult(
    int Index,
    string Name,
    string Room,
    Uri Url,
    string? PlayerId,
    BotState State,
    double? JoinLatencyMs,
    long SnapshotsReceived,
    long SnapshotsInWindow,
    double SnapshotsPerSecond,
    long InputsSent,
    double InputsPerSecond,
    long InputsSkipped,
    long InputsAcked,
    long LastAck,
    long Errors,
    string? FailureReason,
    double? LongestGapMs = null,
    long AckRegressions = 0);
