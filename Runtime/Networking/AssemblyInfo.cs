using System.Runtime.CompilerServices;

// The networking tests drive connections, frames and the router directly.
[assembly: InternalsVisibleTo("Game.Networking.Tests")]
