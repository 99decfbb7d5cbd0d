namespace Game.Runtime;

/// <summary>
/// Marker for every grain interface. A grain interface declares the calls a grain accepts: each is an
/// async method returning <see cref="Task"/>, <see cref="Task{TResult}"/>, <see cref="ValueTask"/> or
/// <see cref="ValueTask{TResult}"/>. Stands for Orleans's <c>IGrain</c>.
/// </summary>
public interface IGrain : IAddressable;

/// <summary>A grain addressed by a string key (a room id, a player id). Stands for Orleans's <c>IGrainWithStringKey</c>.</summary>
public interface IGrainWithStringKey : IGrain;

/// <summary>Anything that has a <see cref="GrainId"/>: grain references and grain instances. Stands for Orleans's <c>IAddressable</c>.</summary>
public interface IAddressable;

/// <summary>
/// Creates grain references. A reference is cheap, needs no activation to exist, and can be held and used
/// from any thread; the first call through it activates the grain. Stands for Orleans's <c>IGrainFactory</c>.
/// </summary>
public interface IGrainFactory
{
    /// <summary>Returns a reference to the grain of interface <typeparamref name="TGrainInterface"/> with key <paramref name="key"/>.</summary>
    /// <typeparam name="TGrainInterface">A grain interface with exactly one implementation class registered in the silo.</typeparam>
    /// <param name="key">The grain's key; any non-null string.</param>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException">No grain class implements <typeparamref name="TGrainInterface"/>.</exception>
    TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey;
}

/// <summary>A process's handle on the cluster: grain factory plus services. Stands for Orleans's <c>IClusterClient</c>.</summary>
public interface IClusterClient : IGrainFactory
{
    /// <summary>The services of the hosting process.</summary>
    IServiceProvider ServiceProvider { get; }
}
