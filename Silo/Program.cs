using Game.Silo;

// The standalone silo process (cluster mode arrives with issue 3; today it hosts an embedded silo only).
var builder = Host.CreateApplicationBuilder(args);
builder.AddGameSilo();
await builder.Build().RunAsync();
