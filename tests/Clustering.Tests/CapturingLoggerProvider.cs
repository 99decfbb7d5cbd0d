using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Game.Clustering.Tests;

/// <summary>Keeps every log entry (event id and text with exception) and lets a test wait for entries.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly Channel<bool> _written = Channel.CreateUnbounded<bool>();

    public ConcurrentQueue<(int Id, string Text)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public async Task<bool> WaitForAsync(Func<(int Id, string Text), bool> match, int count)
    {
        while (Entries.Count(match) < count) await _written.Reader.ReadAsync();
        return true;
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner.Entries.Enqueue((eventId.Id, formatter(state, exception) + " " + exception));
            owner._written.Writer.TryWrite(true);
        }
    }
}
