namespace Game.Grains;

/// <summary>Marks the assembly holding the game's grain classes, for <c>AddApplicationPart(typeof(GrainsAssembly).Assembly)</c>.</summary>
public static class GrainsAssembly;
