using Game.Grains.Interfaces;

namespace Game.Protocol;

/// <summary>Why a client message was rejected: the protocol's error code and a message for humans (sent as <c>error</c>).</summary>
/// <param name="Code">The error code; its wire string comes from <see cref="ErrorCodes.ToWire"/>.</param>
/// <param name="Message">What was wrong, e.g. <c>"join.room must be 1–32 chars of [A-Za-z0-9_-]"</c>.</param>
public readonly record struct ProtocolError(ErrorCode Code, string Message);
