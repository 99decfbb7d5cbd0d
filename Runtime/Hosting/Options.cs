using Microsoft.Extensions.Options;

namespace Game.Runtime.Hosting;

/// <summary>
/// Idle collection of activations (configuration section <c>Runtime:Collection</c>).
/// Stands for Orleans's <c>GrainCollectionOptions</c>.
/// </summary>
public sealed class GrainCollectionOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string Section = "Runtime:Collection";

    /// <summary>How long an activation may go without calls before it is deactivated. <value>Default: 2 minutes.</value></summary>
    /// <remarks>Timer ticks count as calls only for timers created with <see cref="GrainTimerCreationOptions.KeepAlive"/>.</remarks>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the collector looks for idle activations. <value>Default: 10 seconds.</value></summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <c>OnDeactivateAsync</c> may run before its token is cancelled. <value>Default: 10 seconds.</value></summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Turn execution and calls (configuration section <c>Runtime:Messaging</c>).
/// Stands for Orleans's <c>SiloMessagingOptions</c>.
/// </summary>
public sealed class SiloMessagingOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string Section = "Runtime:Messaging";

    /// <summary>A turn that runs longer than this is logged as a warning. <value>Default: 200 ms.</value></summary>
    public TimeSpan TurnWarningLength { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A call that gets no response within this time fails with <see cref="TimeoutException"/>. <value>Default: 30 seconds.</value></summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// In-memory stream delivery (configuration section <c>Runtime:Streams</c>).
/// Stands for Orleans's <c>MemoryStreamOptions</c>.
/// </summary>
public sealed class StreamDeliveryOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string Section = "Runtime:Streams";

    /// <summary>Items a subscriber may have waiting before its oldest is dropped. <value>Default: 256.</value></summary>
    public int SubscriberQueueCapacity { get; set; } = 256;
}

/// <summary>Rejects option values that would stop the runtime from working.</summary>
internal sealed class RuntimeOptionsValidator :
    IValidateOptions<GrainCollectionOptions>, IValidateOptions<SiloMessagingOptions>, IValidateOptions<StreamDeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, GrainCollectionOptions o)
    {
        if (o.CollectionAge <= TimeSpan.Zero) return ValidateOptionsResult.Fail($"{GrainCollectionOptions.Section}:CollectionAge must be positive (was {o.CollectionAge}).");
        if (o.CollectionQuantum <= TimeSpan.Zero) return ValidateOptionsResult.Fail($"{GrainCollectionOptions.Section}:CollectionQuantum must be positive (was {o.CollectionQuantum}).");
        if (o.DeactivationTimeout <= TimeSpan.Zero) return ValidateOptionsResult.Fail($"{GrainCollectionOptions.Section}:DeactivationTimeout must be positive (was {o.DeactivationTimeout}).");
        return ValidateOptionsResult.Success;
    }

    public ValidateOptionsResult Validate(string? name, SiloMessagingOptions o)
    {
        if (o.TurnWarningLength <= TimeSpan.Zero) return ValidateOptionsResult.Fail($"{SiloMessagingOptions.Section}:TurnWarningLength must be positive (was {o.TurnWarningLength}).");
        if (o.ResponseTimeout <= TimeSpan.Zero) return ValidateOptionsResult.Fail($"{SiloMessagingOptions.Section}:ResponseTimeout must be positive (was {o.ResponseTimeout}).");
        return ValidateOptionsResult.Success;
    }

    public ValidateOptionsResult Validate(string? name, StreamDeliveryOptions o)
        => o.SubscriberQueueCapacity < 1
            ? ValidateOptionsResult.Fail($"{StreamDeliveryOptions.Section}:SubscriberQueueCapacity must be at least 1 (was {o.SubscriberQueueCapacity}).")
            : ValidateOptionsResult.Success;
}
