using System.Collections.Immutable;
using Game.Grains.Interfaces;
using Orleans;

namespace Game.Grains.Kinds.Board;

/// <summary>A board room's whole state (<see cref="IRoomRules.Capture"/>): its seats and every stroke still on the board.</summary>
/// <param name="Max">The room's capacity, 2–32.</param>
/// <param name="LastStrokeId">The id of the last stroke drawn since the room began (0 before any; a clear does not reset it).</param>
/// <param name="Seats">The seated players, in join order.</param>
/// <param name="Strokes">The strokes on the board, oldest first, at most <see cref="BoardKind.MaxStrokes"/>.</param>
[GenerateSerializer, Alias("game.BoardState"), Immutable]
public sealed record BoardState(int Max, long LastStrokeId, ImmutableArray<BoardSeat> Seats, ImmutableArray<BoardStroke> Strokes);

/// <summary>A seated player of a board room.</summary>
/// <param name="Id">Player id.</param>
/// <param name="ColorSlot">Its colour (<c>ArenaColors.ForSlot</c>): the lowest slot free when it joined.</param>
[GenerateSerializer, Alias("game.BoardSeat"), Immutable]
public readonly record struct BoardSeat(string Id, int ColorSlot);

/// <summary>One stroke on the board (a <c>draw</c>).</summary>
/// <param name="Id">Its number in the room, from 1.</param>
/// <param name="From">The drawer's player id.</param>
/// <param name="Points">Its points as x, y pairs flattened (x0, y0, x1, y1, …): 2–256 points, each coordinate 0–1000.</param>
/// <param name="Color">Its colour.</param>
/// <param name="Width">Its width, 1–40.</param>
[GenerateSerializer, Alias("game.BoardStroke"), Immutable]
public sealed record BoardStroke(long Id, string From, ImmutableArray<float> Points, Rgb Color, float Width);
