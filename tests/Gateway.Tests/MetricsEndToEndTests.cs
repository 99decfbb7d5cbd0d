using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using Game.Gateway.Connections;
using Microsoft.AspNetCore.Builder;

namespace Game.Gateway.Tests;

/// <summary>
/// Metrics as shipped (README.md, "Operating it"): the app with an operator token, a little play, then <c>/metrics</c>
/// scraped with the bearer token lists every game metric, Orleans's own and the .NET runtime's; without the token it is 401.
/// </summary>
public sealed class MetricsEndToEndTests
{
    [Fact]
    public async Task Metrics_are_scraped_with_the_operator_token_only()
    {
        var app = GatewayApp.Build(["--urls", "http://127.0.0.1:0", "--Admin:Token=t", "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        try
        {
            var address = new Uri(app.Urls.First());
            using var http = new HttpClient { BaseAddress = address };

            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/metrics")).StatusCode);
            using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics"))
            {
                wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-t");
                Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
            }

            // A little play: hello, join, inputs (more than the 60/s limit, so some are rate-limited), snapshots.
            await using var client = await TestClient.ConnectAsync(address, "metrics");
            await client.HelloAsync("Mia");
            await client.JoinAsync(RealGateway.NewRoom("metrics"));
            for (var seq = 1; seq <= 80; seq++) await client.SendAsync(new { type = "input", seq, time = seq * 10, input = new[] { 1, 0 } });
            await client.ExpectErrorAsync("rate_limited");
            await client.WaitForMapAfterAsync(client.LastMapTick);

            // A slow client's waiting snapshot replaced by a newer one (the real queue; no slow socket needed).
            var queue = new OutgoingQueue(4);
            queue.SetSnapshot(new OutgoingFrame(new byte[] { 1 }, WebSocketMessageType.Binary));
            queue.SetSnapshot(new OutgoingFrame(new byte[] { 2 }, WebSocketMessageType.Binary));

            // Each: a sample line's metric name and, when it has tags, one label the line must carry.
            (string Name, string? Label)[] expected =
            [
                ("game_players_connected", null),
                ("game_rooms_active", "kind=\"arena\""),
                ("game_room_tick_duration_milliseconds_bucket", null),
                ("game_room_tick_lateness_milliseconds_bucket", null),
                ("game_gateway_messages_in_total", "type=\"input\""),
                ("game_gateway_messages_in_total", "type=\"hello\""),
                ("game_gateway_network_io_bytes_total", "network_io_direction=\"receive\""),
                ("game_gateway_network_io_bytes_total", "network_io_direction=\"transmit\""),
                ("game_gateway_snapshots_out_total", null),
                ("game_gateway_input_calls_total", null),
                ("game_gateway_sends_dropped_total", "reason=\"snapshot_replaced\""),
                ("game_gateway_rate_limited_total", "type=\"input\""),
                ("game_gateway_join_duration_milliseconds_bucket", null),
                ("game_gateway_snapshot_age_milliseconds_bucket", null),
                ("game_gateway_upgrades_total", "path=\"direct\""),
                ("game_gateway_memory_pool_blocks", "state=\"in_use\""),
                ("game_gateway_memory_pool_blocks", "state=\"free\""),
                ("orleans_", "otel_scope_name=\"Microsoft.Orleans\""),
                ("dotnet_process_memory_working_set_bytes", "otel_scope_name=\"System.Runtime\""),
                ("dotnet_thread_pool_thread_count", null),
                ("dotnet_gc_heap_total_allocated_bytes_total", null),
            ];
            var text = "";
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            string[] missing;
            do
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "t");
                using var response = await http.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                text = await response.Content.ReadAsStringAsync();
                var lines = text.Split('\n');
                missing = [.. expected
                    .Where(e => !lines.Any(l => l.StartsWith(e.Name, StringComparison.Ordinal) && (e.Label is null || l.Contains(e.Label, StringComparison.Ordinal))))
                    .Select(e => $"{e.Name} {e.Label}")];
                if (missing.Length > 0) await Task.Delay(500); // the exporter caches a scrape for a moment
            }
            while (missing.Length > 0 && DateTime.UtcNow < deadline);
            Assert.True(missing.Length == 0, $"missing from /metrics: {string.Join(", ", missing)}\n{text}");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
