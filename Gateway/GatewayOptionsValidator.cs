using Microsoft.Extensions.Options;

namespace Game.Gateway;

/// <summary>Rejects <see cref="GatewayOptions"/> the gateway cannot work with (checked at start: ValidateOnStart).</summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions o)
    {
        var failures = new List<string>();
        if (o.MaxFrameBytes is < 256 or > 1024 * 1024)
            failures.Add($"{GatewayOptions.Section}:MaxFrameBytes must be 256–1048576 (was {o.MaxFrameBytes}).");
        if (o.MaxInputsPerSecond is < 1 or > 10_000)
            failures.Add($"{GatewayOptions.Section}:MaxInputsPerSecond must be 1–10000 (was {o.MaxInputsPerSecond}).");
        if (o.RateLimitNoticeInterval < TimeSpan.Zero)
            failures.Add($"{GatewayOptions.Section}:RateLimitNoticeInterval must not be negative (was {o.RateLimitNoticeInterval}).");
        if (o.SendQueueCapacity < 8)
            failures.Add($"{GatewayOptions.Section}:SendQueueCapacity must be at least 8 (was {o.SendQueueCapacity}).");
        if (o.CloseTimeout <= TimeSpan.Zero)
            failures.Add($"{GatewayOptions.Section}:CloseTimeout must be positive (was {o.CloseTimeout}).");
        if (o.KeepAliveInterval < TimeSpan.Zero)
            failures.Add($"{GatewayOptions.Section}:KeepAliveInterval must not be negative; zero turns pings off (was {o.KeepAliveInterval}).");
        if (o.HelloTimeout < TimeSpan.FromSeconds(1) || o.HelloTimeout > TimeSpan.FromMinutes(10))
            failures.Add($"{GatewayOptions.Section}:HelloTimeout must be 1 second to 10 minutes (was {o.HelloTimeout}).");
        if (o.MaxConnectionsPerIp is < 1 or > 1_000_000)
            failures.Add($"{GatewayOptions.Section}:MaxConnectionsPerIp must be 1–1000000 (was {o.MaxConnectionsPerIp}).");
        if (o.MaxUngreetedConnections is < 1 or > 1_000_000)
            failures.Add($"{GatewayOptions.Section}:MaxUngreetedConnections must be 1–1000000 (was {o.MaxUngreetedConnections}).");
        if (o.MemoryPoolBlockBytes is < 512 or > 4096)
            failures.Add($"{GatewayOptions.Section}:MemoryPoolBlockBytes must be 512–4096 (was {o.MemoryPoolBlockBytes}).");
        if (o.IoThreads is < 0 or > 64)
            failures.Add($"{GatewayOptions.Section}:IoThreads must be 0–64 (was {o.IoThreads}).");
        if (o.IoPollInterval < TimeSpan.Zero || o.IoPollInterval > TimeSpan.FromMilliseconds(10))
            failures.Add($"{GatewayOptions.Section}:IoPollInterval must be 0–10 ms (was {o.IoPollInterval}).");
        if (o.InputBatchLead < TimeSpan.Zero || o.InputBatchLead > TimeSpan.FromMilliseconds(25))
            failures.Add($"{GatewayOptions.Section}:InputBatchLead must be 0–25 ms (was {o.InputBatchLead}).");
        foreach (var origin in o.AllowedOrigins ?? [])
        {
            if (Connections.OriginPolicy.Normalize(origin) is null)
                failures.Add($"{GatewayOptions.Section}:AllowedOrigins entries must be http(s)://host[:port] with no path (was '{origin}').");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
