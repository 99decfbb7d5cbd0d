using Game.Gateway.Connections;
using Game.Gateway.Cluster;

namespace Game.Gateway;

/// <summary>The gateway's HTTP surface: the browser client (static files), <c>/ws</c> and <c>/healthz</c>.</summary>
internal static class GatewayEndpoints
{
    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseWebSockets(); // WebSocketOptions come from GatewayOptions (see AddGateway)
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapGet("/healthz", Health);
        app.Map("/ws", AcceptAsync);
        return app;
    }

    /// <summary>200 when grain calls can be made (co-hosted silo active, or the cluster client connected), else 503; the body is the status.</summary>
    private static IResult Health(IClusterHealth health)
    {
        var healthy = health.IsHealthy(out var status);
        return Results.Text(status, statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>
    /// Upgrades to a WebSocket and runs a <see cref="PlayerConnection"/> on it until it closes. Before accepting: a browser
    /// page from an origin that is neither the gateway's own nor in <see cref="GatewayOptions.AllowedOrigins"/> gets 403
    /// (<see cref="OriginPolicy"/>, shared protocol.md v1.1); an upgrade over <see cref="GatewayOptions.MaxConnectionsPerIp"/>
    /// or <see cref="GatewayOptions.MaxUngreetedConnections"/> gets 429 (<see cref="ConnectionAdmission"/>).
    /// </summary>
    private static async Task AcceptAsync(HttpContext context, ConnectionDependencies dependencies, ConnectionAdmission admission, IHostApplicationLifetime lifetime)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("WebSocket endpoint: connect with ws://", context.RequestAborted);
            return;
        }
        if (!OriginPolicy.Allows(context.Request, dependencies.Options.AllowedOrigins))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("this origin may not open the game's WebSocket", context.RequestAborted);
            return;
        }
        using var ticket = admission.TryAdmit(context.Connection.RemoteIpAddress, out var refusal);
        if (ticket is null)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await context.Response.WriteAsync(refusal ?? "too many connections", context.RequestAborted);
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        Diagnostics.GatewayMetrics.RecordUpgrade(direct: false);
        var connection = new PlayerConnection(socket, dependencies, context.Connection.Id, ticket);
        await connection.RunAsync(lifetime.ApplicationStopping);
    }
}
