using System.IO.Pipelines;
using System.Net;
using System.Net.WebSockets;
using Game.Gateway.Diagnostics;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Game.Gateway.Connections;

/// <summary>
/// A Kestrel connection middleware that accepts a connection whose first request is a WebSocket upgrade of <c>/ws</c>
/// itself, and runs the <see cref="PlayerConnection"/> straight on the connection's transport pipes: no HTTP/1.1
/// connection, request, headers, <c>HttpContext</c> or upgrade stream stays behind for the WebSocket's lifetime
/// (<see cref="GatewayOptions.DirectUpgrade"/>; docs/performance.md, "Third pass": about 5 KB less per player, and fewer
/// layers per message).
/// </summary>
/// <remarks>
/// <para>It reads the connection's first bytes without consuming them (<see cref="UpgradeRequest.Parse"/>). A complete
/// upgrade request that the origin rule (<see cref="OriginPolicy"/>) and the connection caps
/// (<see cref="ConnectionAdmission"/>) allow is consumed and answered <c>101</c> here; the WebSocket itself is .NET's
/// (<see cref="WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)"/>), with the same options as ASP.NET Core's
/// upgrade. Everything else (another path, a refused or malformed upgrade, TLS, HTTP/2, headers not complete within
/// Kestrel's <see cref="KestrelServerLimits.RequestHeadersTimeout"/>) goes on to Kestrel's HTTP layer with every byte
/// still unread, and is answered exactly as without this middleware (<c>GatewayEndpoints</c>: 400, 403, 429).</para>
/// </remarks>
internal sealed class DirectUpgrade
{
    private readonly ConnectionDelegate _next;
    private readonly ConnectionDependencies _dependencies;
    private readonly ConnectionAdmission _admission;
    private readonly CancellationToken _stopping;
    private readonly TimeSpan _headersTimeout;

    private DirectUpgrade(ConnectionDelegate next, IServiceProvider services, TimeSpan headersTimeout)
    {
        _next = next;
        _dependencies = services.GetRequiredService<ConnectionDependencies>();
        _admission = services.GetRequiredService<ConnectionAdmission>();
        _stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        _headersTimeout = headersTimeout;
    }

    /// <summary>
    /// Adds the middleware in front of <paramref name="listen"/>'s HTTP layer when <see cref="GatewayOptions.DirectUpgrade"/>
    /// is on (read from <paramref name="listen"/>'s application services when the endpoint is bound).
    /// </summary>
    public static void AddTo(ListenOptions listen)
    {
        var services = listen.ApplicationServices;
        if (!services.GetRequiredService<IOptions<GatewayOptions>>().Value.DirectUpgrade) return;
        var timeout = services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.RequestHeadersTimeout;
        listen.Use(next => new DirectUpgrade(next, services, timeout).OnConnectionAsync);
    }

    private async Task OnConnectionAsync(ConnectionContext connection)
    {
        ConnectionAdmission.Ticket? ticket;
        try
        {
            ticket = await TryClaimAsync(connection).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            return; // the client reset or the server aborted the connection during the upgrade: nothing to answer
        }
        if (ticket is null)
        {
            await _next(connection).ConfigureAwait(false);
            return;
        }
        using (ticket)
        {
            using var socket = WebSocket.CreateFromStream(new DuplexPipeStream(connection.Transport), new WebSocketCreationOptions
            {
                IsServer = true,
                KeepAliveInterval = _dependencies.Options.KeepAliveInterval,
            });
            GatewayMetrics.RecordUpgrade(direct: true);
            var player = new PlayerConnection(socket, _dependencies, connection.ConnectionId, ticket);
            await player.RunAsync(_stopping).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads the first request. When it is an allowed upgrade: consumes it, writes the <c>101</c> and returns the
    /// connection's admission ticket. Otherwise returns null with every byte left for HTTP, none of them marked examined
    /// beyond what HTTP would have seen (so its first read returns at once).
    /// </summary>
    /// <exception cref="IOException">The connection was reset.</exception>
    /// <exception cref="OperationCanceledException">The connection was aborted (<see cref="ConnectionAbortedException"/>).</exception>
    private async Task<ConnectionAdmission.Ticket?> TryClaimAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        long examined = 0;
        using var timeout = new CancellationTokenSource(_headersTimeout, _dependencies.Time);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                return null; // too slow to tell: HTTP's header timeout takes over
            }
            var buffer = result.Buffer;
            var verdict = UpgradeRequest.Parse(buffer, out var request, out var headerBytes);
            if (verdict == UpgradeVerdict.NeedMore && !result.IsCompleted && !result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                examined = buffer.Length;
                continue;
            }
            if (verdict == UpgradeVerdict.Upgrade && Admit(connection, request) is { } ticket)
            {
                input.AdvanceTo(buffer.GetPosition(headerBytes));
                try
                {
                    await connection.Transport.Output.WriteAsync(request.SwitchingProtocols(), connection.ConnectionClosed).ConfigureAwait(false);
                }
                catch
                {
                    ticket.Dispose();
                    throw;
                }
                return ticket;
            }
            input.AdvanceTo(buffer.Start, buffer.GetPosition(examined));
            return null;
        }
    }

    private ConnectionAdmission.Ticket? Admit(ConnectionContext connection, in UpgradeRequest request)
    {
        var scheme = connection.Features.Get<ITlsHandshakeFeature>() is null ? "http" : "https";
        if (!OriginPolicy.Allows(request.OriginCount, request.Origin, scheme, request.Host, _dependencies.Options.AllowedOrigins)) return null;
        return _admission.TryAdmit((connection.RemoteEndPoint as IPEndPoint)?.Address, out _);
    }
}
