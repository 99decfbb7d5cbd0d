using System.Buffers;
using System.IO.Pipelines;

namespace Game.Runtime.Networking;

internal sealed partial class Connection
{
    private volatile bool _refused;

    private async Task ReceiveLoopAsync(PipeReader input)
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    while (FrameReader.TryReadFrame(ref buffer, _settings.MaxFrameBytes, out var kind, out var payload))
                    {
                        Process(kind, payload);
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }
                if (result.IsCompleted || result.IsCanceled) break;
            }
            error = new EndOfStreamException("closed by the peer");
        }
        catch (Exception ex)
        {
            error = ex;
        }
        finally
        {
            Abort(_isClosed ? null : error);
            await CompleteQuietly(input.CompleteAsync()).ConfigureAwait(false);
        }
    }

    private void Process(FrameKind kind, in ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
        {
            Process(kind, payload.FirstSpan);
            return;
        }
        var length = (int)payload.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            payload.CopyTo(rented);
            Process(kind, rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Ignores every frame received from now on (a refused peer); the connection is closing.</summary>
    public void StopReceiving() => _refused = true;

    private void Process(FrameKind kind, ReadOnlySpan<byte> payload)
    {
        if (_refused) return;
        switch (kind)
        {
            case FrameKind.Response:
                OnResponse(payload);
                break;
            case FrameKind.Ping:
                TrySend(new PingFrame(FrameKind.Pong, new FrameReader(payload).ReadInt64()));
                break;
            case FrameKind.Pong:
                OnPong(new FrameReader(payload).ReadInt64());
                break;
            case FrameKind.Hello:
                OnHello(payload);
                break;
            default:
                _handler.OnFrame(this, kind, payload);
                break;
        }
    }

    private void OnHello(ReadOnlySpan<byte> payload)
    {
        var reader = new FrameReader(payload);
        var name = reader.ReadString();
        var generation = reader.ReadInt64();
        if (!IsOutbound)
        {
            _handler.OnHello(this, name, generation);
            return;
        }
        // The reply of the silo we connected to: it must be the generation we meant to reach, not a restarted process on its port.
        PeerName = name;
        if (RemoteSilo!.Generation != 0 && generation != RemoteSilo.Generation)
            Abort(new SiloUnavailableException($"Silo {RemoteSilo} is gone: {name} (generation {generation}) now listens on its endpoint."));
    }
}
