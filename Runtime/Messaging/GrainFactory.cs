using System.Reflection;

namespace Game.Runtime.Catalog;

/// <summary>Creates grain references: dispatch proxies that turn each interface call into a <see cref="Message"/>.</summary>
internal sealed class GrainFactory(GrainTypeManager types, IMessageRouter router, IServiceProvider services) : IClusterClient
{
    public IServiceProvider ServiceProvider => services;

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        var grainClass = types.GetClassForInterface(typeof(TGrainInterface));
        var reference = DispatchProxy.Create<TGrainInterface, GrainReference>();
        ((GrainReference)(object)reference).Initialize(new GrainId(grainClass.GrainType, key), types.GetInterface(typeof(TGrainInterface)), router);
        return reference;
    }
}
