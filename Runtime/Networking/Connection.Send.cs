using System.Buffers;
using System.IO.Pipelines;

namespace Game.Runtime.Networking;

internal sealed partial class Connection
{
    /// <summary>Unflushed bytes after which the send loop flushes without waiting for the queue to empty.</summary>
    private const int FlushThreshold = 64 * 1024;

    private readonly FrameEncoder _encoder = new();
    private int _queued;
    private long _droppedItems;

    /// <summary>Frames queued and not yet written.</summary>
    public int QueuedFrames => Volatile.Read(ref _queued);

    /// <summary>Stream items dropped because the connection was behind.</summary>
    public long DroppedStreamItems => Interlocked.Read(ref _droppedItems);

    /// <summary>
    /// Queues <paramref name="frame"/> without waiting. A stream item is dropped when
    /// <see cref="ConnectionSettings.SendQueueCapacity"/> frames wait; any other frame closes the connection when twice
    /// as many wait (the peer is not reading).
    /// </summary>
    /// <returns>False when the frame was not queued (closed, dropped or overflow).</returns>
    public bool TrySend(OutboundFrame frame)
    {
        if (_isClosed) return false;
        var queued = Interlocked.Increment(ref _queued);
        var capacity = _settings.SendQueueCapacity;
        if (queued > capacity && (frame.IsStreamItem || queued > 2 * capacity))
        {
            Interlocked.Decrement(ref _queued);
            if (frame.IsStreamItem)
            {
                var dropped = Interlocked.Increment(ref _droppedItems);
                if (dropped == 1 || dropped % 1000 == 0) NetworkingLog.StreamItemsDropped(Logger, Description, dropped);
                return false;
            }
            NetworkingLog.SendQueueOverflow(Logger, Description, queued);
            Abort(new SiloUnavailableException($"The connection to {Description} has {queued} frames waiting: its peer does not read fast enough."));
            return false;
        }
        if (_outbox.Writer.TryWrite(frame)) return true;
        Interlocked.Decrement(ref _queued);
        return false;
    }

    private async Task SendLoopAsync(PipeWriter output)
    {
        Exception? error = null;
        try
        {
            var reader = _outbox.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var frame))
                {
                    Interlocked.Decrement(ref _queued);
                    Write(frame, output);
                    if (output.CanGetUnflushedBytes && output.UnflushedBytes >= FlushThreshold
                        && (await output.FlushAsync().ConfigureAwait(false)).IsCompleted)
                    {
                        return;
                    }
                }
                if ((await output.FlushAsync().ConfigureAwait(false)).IsCompleted) return;
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }
        finally
        {
            if (error is not null) Abort(_isClosed ? null : error);
            await CompleteQuietly(output.CompleteAsync()).ConfigureAwait(false);
        }
    }

    /// <summary>Completing a pipe over a closed socket may throw (it flushes): the connection is closed either way.</summary>
    private static async ValueTask CompleteQuietly(ValueTask completion)
    {
        try
        {
            await completion.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Nothing left to report: Abort already recorded why the connection ended.
        }
    }

    private void Write(OutboundFrame frame, PipeWriter output)
    {
        ReadOnlySpan<byte> bytes;
        try
        {
            bytes = frame.Encode(_encoder);
        }
        catch (Exception ex)
        {
            frame.EncodeFailed(this, ex);
            return;
        }
        output.Write(bytes);
    }
}
