namespace Game.Runtime;

/// <summary>
/// A grain on another process threw an exception whose type is not rebuilt on the caller's side (only
/// <see cref="SiloUnavailableException"/>, <see cref="ArgumentException"/> and its null/out-of-range kinds,
/// <see cref="InvalidOperationException"/>, <see cref="TimeoutException"/> and <see cref="OperationCanceledException"/>
/// are). Carries the remote type's name and message; the remote stack trace is not sent.
/// </summary>
/// <param name="remoteExceptionType">Full name of the exception type thrown by the grain.</param>
/// <param name="message">The remote exception's message.</param>
public sealed class RemoteGrainException(string remoteExceptionType, string message) : Exception(message)
{
    /// <summary>Full name of the exception type the grain threw, e.g. <c>System.Collections.Generic.KeyNotFoundException</c>.</summary>
    public string RemoteExceptionType { get; } = remoteExceptionType;

    /// <inheritdoc />
    public override string ToString() => $"{nameof(RemoteGrainException)} ({RemoteExceptionType}): {Message}";
}
