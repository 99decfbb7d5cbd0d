namespace Game.Runtime;

/// <summary>
/// The identity of a grain: its grain type (the implementation class name, lower case, without a
/// trailing "Grain": <c>RoomGrain</c> → <c>room</c>) and its key. Printed as <c>type/key</c>.
/// Stands for Orleans's <c>GrainId</c>.
/// </summary>
/// <param name="Type">The grain type name, e.g. <c>room</c>.</param>
/// <param name="Key">The grain key, e.g. a room id.</param>
public readonly record struct GrainId(string Type, string Key)
{
    /// <inheritdoc />
    public override string ToString() => $"{Type}/{Key}";

    /// <summary>Parses the <c>type/key</c> form produced by <see cref="ToString"/>.</summary>
    /// <exception cref="FormatException">The text has no '/'.</exception>
    public static GrainId Parse(string text)
    {
        var slash = text.IndexOf('/');
        if (slash <= 0) throw new FormatException($"'{text}' is not a grain id of the form type/key.");
        return new GrainId(text[..slash], text[(slash + 1)..]);
    }
}

/// <summary>Why an activation is being deactivated. Stands for Orleans's <c>DeactivationReason</c>.</summary>
/// <param name="Code">The kind of reason.</param>
/// <param name="Description">Human-readable detail for logs.</param>
public readonly record struct DeactivationReason(DeactivationReasonCode Code, string Description)
{
    /// <inheritdoc />
    public override string ToString() => $"{Code}: {Description}";
}

/// <summary>The kinds of <see cref="DeactivationReason"/>. Stands for Orleans's <c>DeactivationReasonCode</c>.</summary>
public enum DeactivationReasonCode
{
    /// <summary>No reason given.</summary>
    None,
    /// <summary>The activation had no calls for longer than the collection age.</summary>
    ActivationIdle,
    /// <summary>The grain asked for it with <c>DeactivateOnIdle</c>.</summary>
    ApplicationRequested,
    /// <summary>The silo is stopping.</summary>
    ShuttingDown,
    /// <summary>The activation is moving to another silo.</summary>
    Migrating,
    /// <summary><c>OnActivateAsync</c> threw.</summary>
    ActivationFailed,
}
