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

    private readonly ChaosOptions _options;
    private readonly LoadRunOptions _run;
    private readonly string _runId;
    private readonly TimeProvider _time;
    private readonly List<Target> _targets = [];
    private readonly List<ChaosFaultEvent> _events = [];
    private Target? _frozen;
    private bool _pgDown;
    private int _nextTarget;

    public ChaosMonkey(LoadRunOptions run, string runId)
    {
        _run = run;
        _options = run.Chaos!;
        _runId = runId;
        _time = run.TimeProvider;
        Ledger = new ChaosLedger(run.TotalBots, run.Kind.TickHz(), _time);
        foreach (var pid in _options.Pids)
        {
            _targets.Add(new Target($"pid {pid}", null) { Pid = pid });
        }
        for (var i = 0; i < _options.Commands.Count; i++)
        {
            _targets.Add(new Target($"cmd {i + 1}", _options.Commands[i]) { LogPath = Path.Combine(_options.LogDirectory, $"chaos-silo-{runId}-{i + 1}.log") });
        }
    }

    public ChaosLedger Ledger { get; }

    public IReadOnlyList<ChaosFaultEvent> Events => _events;

    /// <summary>Starts the silos given as commands and gives them <see cref="ChaosOptions.StartupWait"/> to join the cluster.</summary>
    public async Task StartSilosAsync(CancellationToken cancellationToken)
    {
        var any = false;
        foreach (var target in _targets.Where(t => t.Command is not null))
        {
            Start(target);
            any = true;
        }
        if (any && _options.StartupWait > TimeSpan.Zero)
        {
            await Task.Delay(_options.StartupWait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Injects every fault that fits the window, one interval apart, then checks the lobby.</summary>
    /// <param name="windowStart">When the measurement window opened (timestamp).</param>
    /// <param name="expectedRooms">Players per room of the bots still playing, when called.</param>
    /// <param name="cancellationToken">The window closed or the run was cancelled.</param>
    /// <returns>The lobby check (not checked when cancelled first).</returns>
    public async Task<ChaosLobbyCheck> RunAsync(long windowStart, Func<IReadOnlyDictionary<string, int>> expectedRooms, CancellationToken cancellationToken)
    {
        var rotation = _options.Rotation;
        var count = _options.FaultCount(_run.Duration);
        try
        {
            for (var n = 0; n < count; n++)
            {
                var due = _options.FaultAt(n) - _time.GetElapsedTime(windowStart);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, _time, cancellationToken).ConfigureAwait(false);
                }
                await InjectAsync(n, rotation[n % rotation.Count], windowStart, cancellationToken).ConfigureAwait(false);
            }
            return await CheckLobbyAsync(expectedRooms(), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ChaosLobbyCheck.NotChecked("the window closed before the lobby check");
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            _events.Add(new ChaosFaultEvent(rotation[_events.Count % rotation.Count], "-", _time.GetElapsedTime(windowStart).TotalSeconds, null, ex.Message));
            return ChaosLobbyCheck.NotChecked("the chaos loop failed: " + ex.Message);
        }
    }

    private async Task InjectAsync(int n, ChaosFault fault, long windowStart, CancellationToken cancellationToken)
    {
        var at = _time.GetElapsedTime(windowStart).TotalSeconds;
        var target = fault == ChaosFault.PgOutage ? null : NextTarget();
        if (fault != ChaosFault.PgOutage && target is null)
        {
            _events.Add(new ChaosFaultEvent(fault, "-", at, null, "no live silo left to inject into"));
            return;
        }
        var name = target is null ? "postgresql" : $"{target.Name} (pid {target.Pid})";
        Ledger.BeginFault(fault, _time.GetTimestamp());
        var duringProbe = ProbeAfterAsync(TimeSpan.FromSeconds(1), $"chaos-{_runId}-{n}a", cancellationToken);
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
                    healedAt = _time.GetElapsedTime(windowStart).TotalSeconds;
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
                    if (target.Command is not null)
                    {
                        Start(target);
                        healedAt = _time.GetElapsedTime(windowStart).TotalSeconds;
                    }
                    else
                    {
                        target.Dead = true; // given by pid: the tester cannot restart it
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
                    healedAt = _time.GetElapsedTime(windowStart).TotalSeconds;
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
        await Task.Delay(_options.Settle, _time, cancellationToken).ConfigureAwait(false);
        await ProbeAfterAsync(TimeSpan.Zero, $"chaos-{_runId}-{n}b", cancellationToken, afterHeal: true).ConfigureAwait(false);
        await duringProbe.ConfigureAwait(false);
    }

    private Target? NextTarget()
    {
        for (var i = 0; i < _targets.Count; i++)
        {
            var target = _targets[(_nextTarget + i) % _targets.Count];
            if (!target.Dead && target.Pid > 0)
            {
                _nextTarget = (_nextTarget + i + 1) % _targets.Count;
                return target;
            }
        }
        return null;
    }

    private void Start(Target target)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"exec {target.Command} >>'{target.LogPath!.Replace("'", "'\\''", StringComparison.Ordinal)}' 2>&1");
        target.Process?.Dispose();
        target.Process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {target.Name}: {target.Command}");
        target.Pid = target.Process.Id;
    }

    private async Task<bool> WaitForExitAsync(Target target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (target.Process is { } process)
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
        while (Directory.Exists($"/proc/{target.Pid}") && _time.GetTimestamp() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken).ConfigureAwait(false);
        }
        return !Directory.Exists($"/proc/{target.Pid}");
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

    private async Task ProbeAfterAsync(TimeSpan delay, string room, CancellationToken cancellationToken, bool afterHeal = false)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
        var result = await ProbeJoinAsync(_run.Urls[0], room, cancellationToken).ConfigureAwait(false);
        if (result != ProbeResult.Seated)
        {
            Ledger.OnProbeFailure(hello: result == ProbeResult.NoWelcome, afterHeal);
        }
    }

    private enum ProbeResult
    {
        Seated,
        NoWelcome,
        NotSeated,
    }

    /// <summary>A fresh player: connect, <c>hello</c>, <c>join</c> a room of its own, then leave.</summary>
    private async Task<ProbeResult> ProbeJoinAsync(Uri url, string room, CancellationToken cancellationToken)
    {
        var codec = BotCodecs.Create(BotEncoding.Json);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        using var socket = new ClientWebSocket();
        var greeted = false;
        try
        {
            await socket.ConnectAsync(url, timeout.Token).ConfigureAwait(false);
            var welcome = await RequestAsync(socket, codec.EncodeHello("chaos-probe"), "welcome", timeout.Token).ConfigureAwait(false);
            if (welcome is null)
            {
                return ProbeResult.NoWelcome;
            }
            welcome.Dispose();
            greeted = true;
            using var joined = await RequestAsync(socket, codec.EncodeJoin(room, _run.Kind, _run.Kind.JoinMax(_run.PlayersPerRoom)), "joined", timeout.Token).ConfigureAwait(false);
            return joined is null ? ProbeResult.NotSeated : ProbeResult.Seated;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or HttpRequestException or JsonException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return greeted ? ProbeResult.NotSeated : ProbeResult.NoWelcome;
        }
        finally
        {
            socket.Abort();
        }
    }

    /// <summary>Sends <paramref name="payload"/> and reads text frames until one of type <paramref name="type"/> (returned) or an <c>error</c> (null).</summary>
    private async Task<JsonDocument?> RequestAsync(ClientWebSocket socket, byte[] payload, string type, CancellationToken token)
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
                    return doc;
                }
                doc.Dispose();
                if (got == "error")
                {
                    return null;
                }
            }
            message.SetLength(0);
        }
    }

    /// <summary>Asks the lobby (<c>rooms</c> over a fresh WebSocket) and compares the run's rooms with the bots still playing.</summary>
    private async Task<ChaosLobbyCheck> CheckLobbyAsync(IReadOnlyDictionary<string, int> expected, CancellationToken cancellationToken)
    {
        var codec = BotCodecs.Create(BotEncoding.Json);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        using var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(_run.Urls[0], timeout.Token).ConfigureAwait(false);
            using var welcome = await RequestAsync(socket, codec.EncodeHello("chaos-lobby"), "welcome", timeout.Token).ConfigureAwait(false);
            if (welcome is null)
            {
                return ChaosLobbyCheck.NotChecked("the lobby check's hello was refused");
            }
            using var rooms = await RequestAsync(socket, Encoding.UTF8.GetBytes("{\"type\":\"rooms\"}"), "rooms", timeout.Token).ConfigureAwait(false);
            if (rooms is null || !rooms.RootElement.TryGetProperty("rooms", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                return ChaosLobbyCheck.NotChecked("the lobby answered no rooms list");
            }
            return ChaosLobbyCheck.Compare(expected, ParseRooms(list, $"load-{_runId}-"));
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or HttpRequestException or JsonException or InvalidOperationException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ChaosLobbyCheck.NotChecked("the lobby check failed: " + ex.Message);
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
        foreach (var target in _targets.Where(t => t.Process is not null))
        {
            var process = target.Process!;
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

    private sealed class Target(string name, string? command)
    {
        public string Name { get; } = name;
        public string? Command { get; } = command;
        public string? LogPath { get; init; }
        public int Pid { get; set; }
        public Process? Process { get; set; }
        public bool Dead { get; set; }
    }
}
