using Game.Silo;

// A silo process. With Cluster:Postgres (env Cluster__Postgres) set it joins that cluster and listens on Silo:Port and
// Silo:GatewayPort (0 = any free port); without it, it is a single-process silo with no gateway in front.
var builder = Host.CreateApplicationBuilder(args);
builder.AddGameSilo();
await builder.Build().RunAsync();
