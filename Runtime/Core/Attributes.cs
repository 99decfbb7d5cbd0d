namespace Game.Runtime;

/// <summary>
/// On a grain interface method: the caller does not wait for the call to run, and the returned task
/// completes as soon as the message is queued. Exceptions thrown by the grain are logged, not returned.
/// The method must return <see cref="Task"/> or <see cref="ValueTask"/>. Stands for Orleans's <c>[OneWay]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OneWayAttribute : Attribute;

/// <summary>
/// On a grain interface method: the call may run while another turn of the same activation is awaiting,
/// instead of queueing behind it. Turns still never run in parallel: they interleave at awaits on the
/// activation's single-threaded scheduler. Use only for read-only or idempotent calls and say why in the
/// method's doc comment. Stands for Orleans's <c>[AlwaysInterleave]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;

/// <summary>
/// On a grain class: every call may interleave with every other at awaits (see
/// <see cref="AlwaysInterleaveAttribute"/>). Stands for Orleans's <c>[Reentrant]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ReentrantAttribute : Attribute;
