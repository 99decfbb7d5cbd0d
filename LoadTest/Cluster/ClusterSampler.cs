using System.Net;

namespace Game.LoadTest;

/// <summary>
/// Samples a clustered server's per-silo figures from a gateway's <c>GET /cluster</c> during a run and keeps, per silo,
/// the last sample's figures and the mean of its CPU readings (<see cref="SiloSummary"/>).
/// </summary>
/// <remarks>
/// One request at a time (the run's sampling loop, then its final sample); <see cref="Current"/> may be read from any thread.
/// A failed sample (timeout, error status, unreadable JSON) is counted in <see cref="Failures"/> and never thrown. If the very
/// first probe answers 404 (a gateway without a cluster) or cannot connect, sampling stops for good (<see cref="Stopped"/>);
/// a 404 is not counted as a failure. Partial files: <c>ClusterSampler.cs</c> (requests, aggregation),
/// <c>ClusterSampler.Parse.cs</c> (the JSON answer).
/// </remarks>
internal sealed partial class ClusterSampler : IDisposable
{
    /// <summary>Largest <c>/cluster</c> answer read, bytes (a few hundred bytes per silo).</summary>
    private const int MaxAnswerBytes = 1 << 20;

    private readonly HttpClient _client;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly List<string> _order = [];
    private readonly Dictionary<string, Accumulator> _silos = new(StringComparer.Ordinal);
    private IReadOnlyList<SiloSummary> _current = [];
    private int _attempts;

    /// <summary>Creates a sampler of <paramref name="url"/>.</summary>
    /// <param name="url">The <c>/cluster</c> endpoint, http or https.</param>
    /// <param name="timeout">Longest wait for one answer (connect included).</param>
    /// <param name="time">The clock for the timeout.</param>
    /// <param name="handler">The HTTP handler (tests pass a fake).</param>
    /// <param name="disposeHandler">Whether disposing the sampler disposes <paramref name="handler"/>.</param>
    public ClusterSampler(Uri url, TimeSpan timeout, TimeProvider time, HttpMessageHandler handler, bool disposeHandler)
    {
        Url = url;
        _timeout = timeout;
        _time = time;
        _client = new HttpClient(handler, disposeHandler)
        {
            Timeout = Timeout.InfiniteTimeSpan, // the timeout runs on the injected clock instead
            MaxResponseContentBufferSize = MaxAnswerBytes,
        };
        _client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        // GET /cluster is an operator endpoint (shared protocol.md v1.1): the token comes from the environment, as
        // scripts/perf/perf.py passes it, so it never appears on a command line.
        if (Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } token)
        {
            _client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>The environment variable holding the operator token sent with every sample (<c>Authorization: Bearer</c>).</summary>
    public const string TokenVariable = "GAME_CLUSTER_TOKEN";

    /// <summary>The endpoint sampled.</summary>
    public Uri Url { get; }

    /// <summary>Whether sampling has stopped for good (the first probe answered 404 or could not connect).</summary>
    public bool Stopped { get; private set; }

    /// <summary>Samples that returned a readable silo list.</summary>
    public int Samples { get; private set; }

    /// <summary>Samples that failed (timeout, refused connection, error status, unreadable answer); a first-probe 404 is not one.</summary>
    public int Failures { get; private set; }

    /// <summary>Every silo seen so far, in the order first seen (the same figures <see cref="Summarize"/> returns); empty before the first sample.</summary>
    public IReadOnlyList<SiloSummary> Current => Volatile.Read(ref _current);

    /// <summary>
    /// The sampler for a run, or null when the run does not sample (<see cref="LoadRunOptions.SampleCluster"/> off).
    /// </summary>
    /// <param name="options">The run's options (validated).</param>
    /// <returns>A sampler owning its own HTTP handler, or null.</returns>
    public static ClusterSampler? Create(LoadRunOptions options)
    {
        if (options.ResolveClusterUrl() is not { } url)
        {
            return null;
        }
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectTimeout = options.ClusterSampleTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        };
        return new ClusterSampler(url, options.ClusterSampleTimeout, options.TimeProvider, handler, disposeHandler: true);
    }

    /// <summary>Takes one sample unless sampling has stopped. Never throws; a cancelled request is neither a sample nor a failure.</summary>
    /// <param name="cancellationToken">Abandons the request.</param>
    /// <returns>A task that completes when the sample is recorded (or given up).</returns>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        if (Stopped || cancellationToken.IsCancellationRequested)
        {
            return;
        }
        var first = _attempts++ == 0;
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _client.GetAsync(Url, linked.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound && first)
            {
                Stopped = true; // a gateway without a cluster: nothing to report
                return;
            }
            if (!response.IsSuccessStatusCode)
            {
                Failures++;
                return;
            }
            var body = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            if (Parse(body) is { } silos)
            {
                Record(silos);
            }
            else
            {
                Failures++;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the run's window closed mid-request: not a failure
        }
        catch (OperationCanceledException)
        {
            Failures++; // timed out
        }
        catch (HttpRequestException ex)
        {
            Failures++;
            if (first && ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
            {
                Stopped = true; // nothing listens there: do not try again every few seconds
            }
        }
    }

    /// <summary>Every silo seen in the samples so far, in the order first seen.</summary>
    /// <returns>Per silo: the last sample's status, rooms, players and tick p99, and the mean CPU over its samples.</returns>
    public IReadOnlyList<SiloSummary> Summarize() =>
        _order.Select(address => _silos[address].ToSummary()).ToArray();

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private void Record(IReadOnlyList<SiloSample> silos)
    {
        Samples++;
        foreach (var silo in silos)
        {
            if (!_silos.TryGetValue(silo.Address, out var acc))
            {
                acc = new Accumulator();
                _silos.Add(silo.Address, acc);
                _order.Add(silo.Address);
            }
            acc.Add(silo);
        }
        Volatile.Write(ref _current, Summarize());
    }

    /// <summary>One silo's samples: the last one, and the sum and count of its CPU readings.</summary>
    private sealed class Accumulator
    {
        private SiloSample? _last;
        private double? _lateMax;
        private double _cpuSum;
        private int _cpuCount;
        private int _samples;

        public void Add(SiloSample sample)
        {
            _last = sample;
            _samples++;
            if (sample.TickLateP99Ms is { } late && (_lateMax is not { } max || late > max)) _lateMax = late;
            if (sample.CpuPercent is { } cpu)
            {
                _cpuSum += cpu;
                _cpuCount++;
            }
        }

        public SiloSummary ToSummary()
        {
            var s = _last!;
            return new SiloSummary(s.Address, s.Name, s.Status, s.Rooms, s.Players, s.TickP99Ms,
                _cpuCount == 0 ? null : _cpuSum / _cpuCount, _samples) { TickLateP99MsMax = _lateMax };
        }
    }
}
