using System.Net;
using Microsoft.Extensions.Options;

namespace Game.Runtime.Networking;

/// <summary>Rejects listener and connection options that cannot work.</summary>
internal sealed class NetworkingOptionsValidator : IValidateOptions<SiloListenerOptions>, IValidateOptions<ClusterNetworkingOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloListenerOptions o)
    {
        if (o.Port is < 0 or > 65535) return ValidateOptionsResult.Fail($"{SiloListenerOptions.Section}:Port must be 0–65535 (was {o.Port}).");
        if (string.IsNullOrWhiteSpace(o.Host)) return ValidateOptionsResult.Fail($"{SiloListenerOptions.Section}:Host must be set.");
        if (IPAddress.TryParse(o.Host, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)) && string.IsNullOrWhiteSpace(o.AdvertisedHost))
        {
            return ValidateOptionsResult.Fail($"{SiloListenerOptions.Section}:Host is the wildcard {o.Host}; set {SiloListenerOptions.Section}:AdvertisedHost to the address other processes reach this silo on.");
        }
        if (o.AdvertisedHost is not null && string.IsNullOrWhiteSpace(o.AdvertisedHost))
            return ValidateOptionsResult.Fail($"{SiloListenerOptions.Section}:AdvertisedHost must be null or a host name.");
        return ValidateOptionsResult.Success;
    }

    public ValidateOptionsResult Validate(string? name, ClusterNetworkingOptions o)
    {
        const string s = ClusterNetworkingOptions.Section;
        if (o.SendQueueCapacity < 16) return ValidateOptionsResult.Fail($"{s}:SendQueueCapacity must be at least 16 (was {o.SendQueueCapacity}).");
        if (o.ConnectTimeout <= TimeSpan.Zero) return ValidateOptionsResult.Fail($"{s}:ConnectTimeout must be positive (was {o.ConnectTimeout}).");
        if (o.ReconnectBackoffMax < TimeSpan.FromMilliseconds(100)) return ValidateOptionsResult.Fail($"{s}:ReconnectBackoffMax must be at least 100 ms (was {o.ReconnectBackoffMax}).");
        if (o.MaxFrameBytes < 64 * 1024) return ValidateOptionsResult.Fail($"{s}:MaxFrameBytes must be at least 65536 (was {o.MaxFrameBytes}).");
        if (o.LocationCacheCapacity < 100) return ValidateOptionsResult.Fail($"{s}:LocationCacheCapacity must be at least 100 (was {o.LocationCacheCapacity}).");
        if (o.CloseTimeout < TimeSpan.Zero) return ValidateOptionsResult.Fail($"{s}:CloseTimeout must not be negative (was {o.CloseTimeout}).");
        return ValidateOptionsResult.Success;
    }
}
