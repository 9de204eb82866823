namespace ProxyCluster.Sessions.Routing;

/// <summary>
/// The upstream password from a file (trailing newline trimmed) or an environment variable, read at every
/// connect so that an operator rotates it by replacing the file.
/// </summary>
public sealed class FileOrEnvironmentPassword : IUpstreamPasswordSource
{
    private readonly string? _file;
    private readonly string? _environmentVariable;

    public FileOrEnvironmentPassword(string? file, string? environmentVariable)
    {
        _file = file;
        _environmentVariable = environmentVariable;
    }

    public string? Read()
    {
        if (_file is not null)
        {
            return File.ReadAllText(_file).TrimEnd('\r', '\n');
        }

        return _environmentVariable is null ? null : Environment.GetEnvironmentVariable(_environmentVariable);
    }

    public override string ToString() => _file is not null ? $"file {_file}" : $"environment variable {_environmentVariable}";
}
