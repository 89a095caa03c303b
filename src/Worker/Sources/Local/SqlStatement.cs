using Microsoft.Data.Sqlite;

namespace TagWorker.Sources.Local;

/// <summary>
/// One SQL statement of the local queue, prepared once on its connection and reused: Microsoft.Data.Sqlite keeps a
/// command's compiled statement while its text stays the same, so each use only binds new values.
/// </summary>
internal sealed class SqlStatement : IDisposable
{
    private readonly SqliteCommand _command;
    private readonly SqliteParameter[] _parameters;

    public SqlStatement(SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, SqliteType Type)> parameters)
    {
        _command = connection.CreateCommand();
        _command.CommandText = sql;
        _parameters = new SqliteParameter[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            _parameters[i] = _command.Parameters.Add(parameters[i].Name, parameters[i].Type);
        }
    }

    /// <summary>Binds <paramref name="values"/> to the parameters in declaration order (null binds SQL NULL).</summary>
    public SqliteCommand Bind(SqliteTransaction? transaction, params ReadOnlySpan<object?> values)
    {
        _command.Transaction = transaction;
        for (var i = 0; i < _parameters.Length; i++)
        {
            _parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return _command;
    }

    public void Dispose() => _command.Dispose();
}
