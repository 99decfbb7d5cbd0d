using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Game.LoadTest;

/// <summary>
/// Injects the chaos soak's faults (<see cref="ChaosOptions"/>) into silo processes while a load run measures, heals them,
/// probes fresh joins and finally checks the lobby. Linux only: signals are sent with <c>kill -KILL/-STOP/-CONT/-TERM</c>.
/// </summary>
internal sealed class ChaosMonkey : IAsyncDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(30);

    /// <summary>How often the silos are checked while the chaos loop waits (for the next fault, or for the players to settle).</summary>
    private static readonly TimeSpan SupervisePeriod = TimeSpan.FromSeconds(1);

    /// <summary>A probe after the heal that failed is retried once after this long.</summary>
    private static readonly TimeSpan ProbeRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The lobby check retries a failed attempt after this long …</summary>
    private static readonly TimeSpan LobbyRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>… until this long after its first attempt.</summary>
    private static readonly TimeSpan LobbyDeadline = TimeSpan.FromSeconds(20);

    private readonly ChaosOptions _options;
    private readonly LoadRunOptions _run;
    private readonly string _runId;
    private readonly TimeProvider _time;
    private readonly ChaosSiloRoster _roster;
    private readonly Dictionary<ChaosSilo, Process> _processes = [];
    private readonly Dictionary<ChaosSilo, string> _logPaths = [];
    private readonly List<ChaosFaultEvent> _events = [];
    private readonly List<ChaosSiloExit> _exits = [];
    private ChaosSilo? _frozen;
    private bool _pgDown;
    private long _windowStart;

    public ChaosMonkey(LoadRunOptions run, string runId)
    {
        _run = run;
        _options = run.Chaos!;
        _runId = runId;
        _time = run.TimeProvider;
        Ledger = new ChaosLedger(run.TotalBots, run.Kind.TickHz(), _time);
        var silos = new List<ChaosSilo>();
        foreach (var pid in _options.Pids)
        {
            var silo = new ChaosSilo($"pid {pid}", null);
            ChaosSiloRoster.OnStarted(silo, pid, null);
            silos.Add(silo);
        }
        for (var i = 0; i < _options.Commands.Count; i++)
        {
            var silo = new ChaosSilo($"cmd {i + 1}", _options.Commands[i]);
            _logPaths[silo] = Path.Combine(_options.LogDirectory, $"chaos-silo-{runId}-{i + 1}.log");
            silos.Add(silo);
        }
        _roster = new ChaosSiloRoster(silos, _options.StartupWait, _time.TimestampFrequency);
    }

    public ChaosLedger Ledger { get; }

    public IReadOnlyList<ChaosFaultEvent> Events => _events;

    /// <summary>Silo processes found exited without the tester stopping them, and whether each was restarted.</summary>
    public IReadOnlyList<ChaosSiloExit> SiloExits => _exits;

    /// <summary>Starts the silos given as commands and gives them <see cref="ChaosOptions.StartupWait"/> to join the cluster.</summary>
    public async Task StartSilosAsync(CancellationToken cancellationToken)
    {
        var any = false;
        foreach (var silo in _roster.Silos.Where(s => s.CanRestart))
        {
            Start(silo, restart: false);
            any = true;
        }
        if (any && _options.StartupWait > TimeSpan.Zero)
        {
            await Task.Delay(_options.StartupWait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Injects every fault that fits the window, one interval apart, then checks the lobby. While it waits it checks
    /// about once a second that every silo still runs, and restarts from its command one that exited by itself.</summary>
    /// <param name="windowStart">When the measurement window opened (timestamp).</param>
    /// <param name="expectedRooms">Players per room of the bots still playing, when called.</param>
    /// <param name="cancellationToken">The window closed or the run was cancelled.</param>
    /// <returns>The lobby check (not checked when cancelled first).</returns>
    public async Task<ChaosLobbyCheck> RunAsync(long windowStart, Func<IReadOnlyDictionary<string, int>> expectedRooms, CancellationToken cancellationToken)
    {
        _windowStart = windowStart;
        var rotation = _options.Rotation;
        var count = _options.FaultCount(_run.Duration);
        try
        {
            for (var n = 0; n < count; n++)
            {
                await SuperviseUntilAsync(_options.FaultAt(n), cancellationToken).ConfigureAwait(false);
                await InjectAsync(n, rotation[n % rotation.Count], cancellationToken).ConfigureAwait(false);
            }
            Sweep();
            return await CheckLobbyAsync(expectedRooms, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ChaosLobbyCheck.NotChecked("the window closed before the lobby check");
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            _events.Add(new ChaosFaultEvent(rotation[_events.Count % rotation.Count], "-", Now(), null, ex.Message));
            Log("the chaos loop failed: " + ex.Message);
            return ChaosLobbyCheck.NotChecked("the chaos loop failed: " + ex.Message);
        }
    }

    /// <summary>Seconds since the window opened.</summary>
    private double Now() => _time.GetElapsedTime(_windowStart).TotalSeconds;

    private void Log(string line) => _options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{Now():0.0} s: {line}"));

    /// <summary>Waits until <paramref name="at"/> from the window's start, checking the silos every <see cref="SupervisePeriod"/>
    /// and once more at the end (so a fault that follows finds every silo that can run running).</summary>
    private async Task SuperviseUntilAsync(TimeSpan at, CancellationToken cancellationToken)
    {
        while (true)
        {
            Sweep();
            var left = at - _time.GetElapsedTime(_windowStart);
            if (left <= TimeSpan.Zero)
            {
                return;
            }
            await Task.Delay(left < SupervisePeriod ? left : SupervisePeriod, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Finds silos whose process exited without the tester stopping it (after a freeze the silo reads that it was
    /// declared dead and stops itself), records each and restarts it from its command.</summary>
    private void Sweep()
    {
        foreach (var silo in _roster.Silos)
        {
            if (!silo.Alive || silo == _frozen || !HasExited(silo, out var exitCode))
            {
                continue;
            }
            var (exit, restart) = _roster.OnExited(silo, exitCode, _time.GetTimestamp(), Now());
            if (restart)
            {
                try
                {
                    Start(silo, restart: true);
                    exit = exit with { RestartedPid = silo.Pid };
                }
                catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
                {
                    silo.GoneBecause = "its restart failed: " + ex.Message;
                    exit = exit with { RestartError = ex.Message };
                }
            }
            _exits.Add(exit);
            Log(exit.Describe());
        }
    }

    /// <summary>Whether the silo's current process has exited; its exit code when the tester started it.</summary>
    private bool HasExited(ChaosSilo silo, out int? exitCode)
    {
        exitCode = null;
        if (_processes.TryGetValue(silo, out var process))
        {
            if (!process.HasExited)
            {
                return false;
            }
            exitCode = process.ExitCode;
            return true;
        }
        return ProcessGone(silo.Pid);
    }

    /// <summary>Whether a process not started by the tester is gone (no <c>/proc/pid</c>, or a zombie).</summary>
    private static bool ProcessGone(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return close >= 0 && close + 2 < stat.Length && stat[close + 2] == 'Z';
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return !Directory.Exists($"/proc/{pid}");
        }
    }

    private async Task InjectAsync(int n, ChaosFault fault, CancellationToken cancellationToken)
    {
        var at = Now();
        ChaosSilo? target = null;
        if (fault != ChaosFault.PgOutage)
        {
            (target, var skip) = _roster.Pick(_time.GetTimestamp());
            if (target is null)
            {
                _events.Add(new ChaosFaultEvent(fault, "-", at, null, null) { Skipped = skip });
                Log($"{fault.WireName()} skipped: {skip}");
                return;
            }
            ChaosSiloRoster.OnInjected(target, fault);
        }
        var name = target?.Label ?? "postgresql";
        Log($"{fault.WireName()} into {name}" + (target is not null && _roster.IsStarting(target, _time.GetTimestamp())
            ? " (restarted less than the startup wait ago: every live silo is)" : ""));
        Ledger.BeginFault(fault, _time.GetTimestamp());
        var duringProbe = ProbeAfterAsync(n, TimeSpan.FromSeconds(1), $"chaos-{_runId}-{n}a", afterHeal: false, cancellationToken);
        string? error = null;
        double? healedAt = null;
        try
        {
            switch (fault)
            {
                case ChaosFault.Freeze:
                    await SignalAsync(target!.Pid, "STOP").ConfigureAwait(false);
                    _frozen = target;
                    try
                    {
                        await Task.Delay(_options.FreezeDuration, _time, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        await SignalAsync(target.Pid, "CONT").ConfigureAwait(false);
                        _frozen = null;
                    }
                    healedAt = Now();
                    break;
                case ChaosFault.Kill:
                case ChaosFault.Stop:
                    await SignalAsync(target!.Pid, fault == ChaosFault.Kill ? "KILL" : "TERM").ConfigureAwait(false);
                    var exited = await WaitForExitAsync(target, fault == ChaosFault.Kill ? TimeSpan.FromSeconds(5) : ExitWait, cancellationToken).ConfigureAwait(false);
                    if (!exited)
                    {
                        error = $"pid {target.Pid} did not exit after SIG{(fault == ChaosFault.Kill ? "KILL" : "TERM")}; killed";
                        await SignalAsync(target.Pid, "KILL").ConfigureAwait(false);
                        await WaitForExitAsync(target, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                    }
                    if (ChaosSiloRoster.OnStoppedByTester(target))
                    {
                        Start(target, restart: true);
                        healedAt = Now();
                    }
                    break;
                case ChaosFault.PgOutage:
                    _pgDown = true;
                    var stop = await ShellAsync(_options.PgStopCommand!).ConfigureAwait(false);
                    if (stop != 0)
                    {
                        error = $"--pg-stop-cmd exited with {stop}";
                    }
                    try
                    {
                        await Task.Delay(_options.PgOutage, _time, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        var start = await ShellAsync(_options.PgStartCommand!).ConfigureAwait(false);
                        _pgDown = false;
                        if (start != 0)
                        {
                            error ??= $"--pg-start-cmd exited with {start}";
                        }
                    }
                    healedAt = Now();
                    break;
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            error = ex.Message;
        }
        finally
        {
            _events.Add(new ChaosFaultEvent(fault, name, at, healedAt, error));
        }
        Log($"{fault.WireName()} into {name} " + (healedAt is not null ? $"healed" : "not healed")
            + (target is not null && healedAt is not null && fault != ChaosFault.Freeze ? $" (restarted as pid {target.Pid})" : "")
            + (error is null ? "" : ": " + error));
        await SuperviseUntilAsync(_time.GetElapsedTime(_windowStart) + _options.Settle, cancellationToken).ConfigureAwait(false);
        await ProbeAfterAsync(n, TimeSpan.Zero, $"chaos-{_runId}-{n}b", afterHeal: true, cancellationToken).ConfigureAwait(false);
        await duringProbe.ConfigureAwait(false);
    }

    /// <summary>Starts the silo from its command (output appended to its log).</summary>
    private void Start(ChaosSilo silo, bool restart)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"exec {silo.Command} >>'{_logPaths[silo].Replace("'", "'\\''", StringComparison.Ordinal)}' 2>&1");
        if (_processes.Remove(silo, out var old))
        {
            old.Dispose();
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {silo.Name}: {silo.Command}");
        _processes[silo] = process;
        ChaosSiloRoster.OnStarted(silo, process.Id, restart ? _time.GetTimestamp() : null);
    }

    private async Task<bool> WaitForExitAsync(ChaosSilo silo, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_processes.TryGetValue(silo, out var process))
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
                return true;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }
        var deadline = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        while (!ProcessGone(silo.Pid) && _time.GetTimestamp() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken).ConfigureAwait(false);
        }
        return ProcessGone(silo.Pid);
    }

    /// <summary>Sends a signal with <c>kill -SIG pid</c> (Linux).</summary>
    internal static async Task SignalAsync(int pid, string signal)
    {
        var info = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
        info.ArgumentList.Add("-" + signal);
        info.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        using var kill = Process.Start(info) ?? throw new InvalidOperationException("could not run kill");
        var stderr = await kill.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await kill.WaitForExitAsync().ConfigureAwait(false);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} failed: {stderr.Trim()}");
        }
    }

    private static async Task<int> ShellAsync(string command)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not run {command}");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        await Task.WhenAll(output, errors).ConfigureAwait(false);
        return process.ExitCode;
    }

    /// <summary>A fresh player's probe, <paramref name="delay"/> from now. One while the fault lasts is reported only; one after
    /// the heal that fails is retried once <see cref="ProbeRetryDelay"/> later (the failed attempt is reported), and only
    /// when the retry fails too does it count against the invariant.</summary>
    private async Task ProbeAfterAsync(int n, TimeSpan delay, string room, bool afterHeal, CancellationToken cancellationToken)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
        var (result, why) = await ProbeJoinAsync(_run.Urls[0], room, cancellationToken).ConfigureAwait(false);
        if (result == ProbeResult.Seated)
        {
            return;
        }
        if (!afterHeal)
        {
            Ledger.OnProbeFailure(hello: result == ProbeResult.NoWelcome);
            Log($"probe during fault {n + 1}: {why} (reported only)");
            return;
        }
        Ledger.OnProbeRetry(hello: result == ProbeResult.NoWelcome);
        Log($"probe after fault {n + 1} healed: {why}; retrying in {ProbeRetryDelay.TotalSeconds:0} s");
        await Task.Delay(ProbeRetryDelay, _time, cancellationToken).ConfigureAwait(false);
        (result, why) = await ProbeJoinAsync(_run.Urls[0], room + "r", cancellationToken).ConfigureAwait(false);
        if (result == ProbeResult.Seated)
        {
            Log($"probe after fault {n + 1} healed: the retry was seated");
            return;
        }
        Ledger.OnProbeFailure(hello: result == ProbeResult.NoWelcome, afterHeal: true);
        Log($"probe after fault {n + 1} healed: the retry failed too ({why}): counted against the invariant");
    }

    private enum ProbeResult
    {
        Seated,
        NoWelcome,
        NotSeated,
    }

    /// <summary>A fresh player: connect, <c>hello</c>, <c>join</c> a room of its own, then leave.</summary>
    /// <returns>How far it got, and why it got no further.</returns>
    private async Task<(ProbeResult Result, string Why)> ProbeJoinAsync(Uri url, string room, CancellationToken cancellationToken)
    {
        var codec = BotCodecs.Create(BotEncoding.Json);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        using var socket = new ClientWebSocket();
        var greeted = false;
        try
        {
            await socket.ConnectAsync(url, timeout.Token).ConfigureAwait(false);
            var (welcome, refused) = await RequestAsync(socket, codec.EncodeHello("chaos-probe"), "welcome", timeout.Token).ConfigureAwait(false);
            if (welcome is null)
            {
                return (ProbeResult.NoWelcome, $"hello refused ({refused})");
            }
            welcome.Dispose();
            greeted = true;
            var (joined, notJoined) = await RequestAsync(socket, codec.EncodeJoin(room, _run.Kind, _run.Kind.JoinMax(_run.PlayersPerRoom)), "joined", timeout.Token).ConfigureAwait(false);
            using (joined)
            {
                return joined is null ? (ProbeResult.NotSeated, $"join refused ({notJoined})") : (ProbeResult.Seated, "seated");
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or HttpRequestException or JsonException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var what = ex is OperationCanceledException ? $"no answer within {ProbeTimeout.TotalSeconds:0} s" : ex.Message;
            return greeted ? (ProbeResult.NotSeated, "join failed: " + what) : (ProbeResult.NoWelcome, "hello failed: " + what);
        }
        finally
        {
            socket.Abort();
        }
    }

    /// <summary>Sends <paramref name="payload"/> and reads text frames until one of type <paramref name="type"/> (returned) or an
    /// <c>error</c> (null, and its <c>code</c>).</summary>
    private static async Task<(JsonDocument? Reply, string? ErrorCode)> RequestAsync(ClientWebSocket socket, byte[] payload, string type, CancellationToken token)
    {
        await socket.SendAsync(payload, WebSocketMessageType.Text, true, token).ConfigureAwait(false);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, token).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "closed by the server");
            }
            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }
            if (result.MessageType == WebSocketMessageType.Text)
            {
                var doc = JsonDocument.Parse(message.ToArray());
                var got = doc.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
                if (got == type)
                {
                    return (doc, null);
                }
                using (doc)
                {
                    if (got == "error")
                    {
                        return (null, doc.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : "error");
                    }
                }
            }
            message.SetLength(0);
        }
    }

    /// <summary>Asks the lobby (<c>rooms</c> over a fresh WebSocket) and compares the run's rooms with the bots still playing,
    /// retrying a failed attempt (<see cref="ChaosLobbyRetry"/>).</summary>
    private Task<ChaosLobbyCheck> CheckLobbyAsync(Func<IReadOnlyDictionary<string, int>> expected, CancellationToken cancellationToken) =>
        ChaosLobbyRetry.RunAsync(
            (attemptTimeout, token) => AskLobbyAsync(expected, attemptTimeout, token),
            _time, LobbyDeadline, LobbyRetryDelay, ProbeTimeout, Now, line => Log("lobby check " + line), cancellationToken);

    /// <summary>One attempt of the lobby check.</summary>
    /// <returns>The check, or why the attempt failed.</returns>
    private async Task<(ChaosLobbyCheck? Check, string? Failure)> AskLobbyAsync(Func<IReadOnlyDictionary<string, int>> expected, TimeSpan attemptTimeout, CancellationToken cancellationToken)
    {
        var codec = BotCodecs.Create(BotEncoding.Json);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(attemptTimeout);
        using var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(_run.Urls[0], timeout.Token).ConfigureAwait(false);
            var (welcome, refused) = await RequestAsync(socket, codec.EncodeHello("chaos-lobby"), "welcome", timeout.Token).ConfigureAwait(false);
            using (welcome)
            {
                if (welcome is null)
                {
                    return (null, $"hello refused ({refused})");
                }
            }
            var (rooms, error) = await RequestAsync(socket, Encoding.UTF8.GetBytes("{\"type\":\"rooms\"}"), "rooms", timeout.Token).ConfigureAwait(false);
            using (rooms)
            {
                if (rooms is null || !rooms.RootElement.TryGetProperty("rooms", out var list) || list.ValueKind != JsonValueKind.Array)
                {
                    return (null, rooms is null ? $"rooms refused ({error})" : "the lobby answered no rooms list");
                }
                return (ChaosLobbyCheck.Compare(expected(), ParseRooms(list, $"load-{_runId}-")), null);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or HttpRequestException or JsonException or InvalidOperationException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return (null, ex is OperationCanceledException ? $"no answer within {attemptTimeout.TotalSeconds:0.#} s" : ex.Message);
        }
        finally
        {
            socket.Abort();
        }
    }

    /// <summary>The rooms of a <c>rooms</c> list whose id starts with <paramref name="prefix"/>, with their <c>players</c>.</summary>
    internal static Dictionary<string, int> ParseRooms(JsonElement list, string prefix)
    {
        var rooms = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var room in list.EnumerateArray())
        {
            if (room.ValueKind == JsonValueKind.Object
                && room.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                && id.GetString() is { } name && name.StartsWith(prefix, StringComparison.Ordinal)
                && room.TryGetProperty("players", out var players) && players.TryGetInt32(out var count))
            {
                rooms[name] = count;
            }
        }
        return rooms;
    }

    /// <summary>Heals what is still broken (a frozen silo, PostgreSQL down) and stops the silos the tester started.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_frozen is { } frozen)
        {
            await IgnoreAsync(SignalAsync(frozen.Pid, "CONT")).ConfigureAwait(false);
        }
        if (_pgDown)
        {
            await IgnoreAsync(ShellAsync(_options.PgStartCommand!)).ConfigureAwait(false);
        }
        foreach (var process in _processes.Values)
        {
            if (!process.HasExited)
            {
                await IgnoreAsync(SignalAsync(process.Id, "TERM")).ConfigureAwait(false);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill();
                }
            }
            process.Dispose();
        }
        _processes.Clear();
    }

    private static async Task IgnoreAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            // best effort while cleaning up
        }
    }
}
