namespace Game.Runtime.Networking;

/// <summary>How an exception crosses the wire: its type's full name and message, rebuilt as itself for the types callers catch.</summary>
internal static class RemoteExceptions
{
    public static string TypeNameOf(Exception exception) => exception is RemoteGrainException remote
        ? remote.RemoteExceptionType
        : exception.GetType().FullName ?? exception.GetType().Name;

    /// <summary>The exception a caller sees for a remote failure of <paramref name="typeName"/>.</summary>
    public static Exception Rehydrate(string typeName, string message) => typeName switch
    {
        "Game.Runtime.SiloUnavailableException" => new SiloUnavailableException(message),
        "System.ArgumentException" => new ArgumentException(message),
        "System.ArgumentNullException" => new ArgumentNullException(null, message),
        "System.ArgumentOutOfRangeException" => new ArgumentOutOfRangeException(null, message),
        "System.InvalidOperationException" => new InvalidOperationException(message),
        "System.TimeoutException" => new TimeoutException(message),
        "System.OperationCanceledException" or "System.Threading.Tasks.TaskCanceledException" => new OperationCanceledException(message),
        _ => new RemoteGrainException(typeName, message),
    };
}
