namespace Game.Protocol;

/// <summary>
/// One player's entry of a binary <c>map</c>, as read back: the same numbers the JSON <c>map</c>'s
/// <c>[x, y, vx, vy, hp, ack]</c> holds (positions and velocities are centi-units / 100).
/// </summary>
/// <param name="Index">The entry's position: the player is the roster's <paramref name="Index"/>-th id.</param>
/// <param name="X">Position x, world units, 2 decimals.</param>
/// <param name="Y">Position y, world units, 2 decimals.</param>
/// <param name="Vx">Velocity x, world units per second, 2 decimals.</param>
/// <param name="Vy">Velocity y, world units per second, 2 decimals.</param>
/// <param name="Hp">Hit points, 0–255.</param>
/// <param name="Ack">The last input seq applied for the player.</param>
public readonly record struct BinaryMapEntry(int Index, double X, double Y, double Vx, double Vy, int Hp, long Ack);
