namespace Game.LoadTest;

/// <summary>One run of an SLO search.</summary>
/// <param name="Number">The step's number, from 1.</param>
/// <param name="Rooms">Rooms in this step.</param>
/// <param name="Result">The run's figures.</param>
/// <param name="Held">Whether the SLO held.</param>
public sealed record SloStep(int Number, int Rooms, LoadRunResult Result, bool Held);
