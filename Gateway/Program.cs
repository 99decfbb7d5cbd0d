using Game.Gateway;

// The game server: gateway and silo in one process. Options: --urls (default http://localhost:5000), section "Gateway".
var app = GatewayApp.Build(args);
await app.StartAsync();
Console.WriteLine($"Arena is running: open {string.Join(" or ", app.Urls)} in a browser (Ctrl+C to stop).");
await app.WaitForShutdownAsync();
