using Npgsql;

namespace Game.Runtime.Clustering.Postgres;

/// <summary>Shorthands for the provider's positional (<c>$1</c>, <c>$2</c>, …) typed parameters.</summary>
internal static class NpgsqlParameters
{
    /// <summary>Appends a typed positional parameter (no boxing; the type fixes the PostgreSQL type).</summary>
    public static NpgsqlCommand With<T>(this NpgsqlCommand command, T value)
    {
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });
        return command;
    }

    /// <summary>Appends a timestamptz parameter; Npgsql accepts only UTC offsets for timestamptz, so it is converted.</summary>
    public static NpgsqlCommand WithTime(this NpgsqlCommand command, DateTimeOffset value)
        => command.With(value.ToUniversalTime());
}
