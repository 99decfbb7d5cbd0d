using Game.Grains.Interfaces;
using Game.Protocol;
using Orleans;

namespace Game.Gateway.Operators;

/// <summary>
/// <c>POST /admin/announce</c> with JSON <c>{"text"}</c> (1–200 chars): every connected player on every gateway gets
/// <c>{"type":"announcement","text","time"}</c> (shared protocol.md v1.1). Needs the operator token.
/// </summary>
internal static class AnnounceEndpoint
{
    /// <summary>The request body.</summary>
    /// <param name="Text">The announcement, 1–200 chars.</param>
    internal sealed record Announcement(string? Text);

    /// <summary>Maps the endpoint.</summary>
    public static WebApplication MapAnnounce(this WebApplication app)
    {
        app.MapPost("/admin/announce", AnnounceAsync).AddEndpointFilter(OperatorAccess.Filter);
        return app;
    }

    /// <summary>202 with <c>{"text","time"}</c> once published to every gateway; 400 when the text is missing or too long.</summary>
    private static async Task<IResult> AnnounceAsync(Announcement body, IClusterClient client, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(body.Text) || body.Text.Length > ProtocolLimits.MaxChatLength)
            return Results.BadRequest(new { error = $"text must be 1–{ProtocolLimits.MaxChatLength} characters" });
        var announcement = new AnnouncementEvent(body.Text, time.GetUtcNow().ToUnixTimeMilliseconds());
        await client.GetStreamProvider(RoomStreams.Provider).GetStream<GatewayEvent>(GatewayStreams.All)
            .OnNextAsync(announcement).WaitAsync(TimeSpan.FromSeconds(10));
        return Results.Accepted(value: new { text = announcement.Text, time = announcement.Time });
    }
}
