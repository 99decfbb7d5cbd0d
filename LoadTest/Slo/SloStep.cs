namespace Game.LoadTest;

/// <summary>One run of an SLO search.</summary>
/// <param name="Number">The step's number, from 1.</param>
/// <param name="Rooms">Rooms in this step.</param>
/// <param name="Result">The run's figures.</param>
/// <param name="Held">Whether the SLO held in this run.</param>
/// <param name="Attempt">1 for the first run at this room count, 2 for a re-run after it broke, …</param>
public sealed record SloStep(int Number, int Rooms, LoadRunResult Result, bool Held, int Attempt = 1);
