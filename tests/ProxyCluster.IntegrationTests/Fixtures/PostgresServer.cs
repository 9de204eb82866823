using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Npgsql;

namespace ProxyCluster.IntegrationTests.Fixtures;

/// <summary>
/// A throwaway PostgreSQL server for one test run: initdb into a fresh directory under /tmp, started on a free
/// loopback port, stopped by its postmaster PID and deleted on dispose. PostgreSQL refuses to run as root, so
/// when the tests run as root every server command runs as the <c>postgres</c> user (<c>runuser</c>).
/// TCP connections use SCRAM-SHA-256; the unix socket in <see cref="SocketDirectory"/> trusts local users.
/// Durability is off (<c>fsync</c>, <c>synchronous_commit</c>): the data is thrown away anyway.
/// </summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    private const string ServerUser = "postgres";
    private const string DirectoryPrefix = "proxycluster-pg.";
    private static readonly TimeSpan InitdbTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly string _baseDirectory;
    private int _disposed;

    private PostgresServer(string binDirectory, string baseDirectory, int port, string superUserPassword, int postmasterPid)
    {
        BinDirectory = binDirectory;
        _baseDirectory = baseDirectory;
        Port = port;
        SuperUserPassword = superUserPassword;
        PostmasterPid = postmasterPid;
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    public string SuperUser => "postgres";

    public string SuperUserPassword { get; }

    /// <summary>Where initdb, pg_ctl, postgres, psql and pgbench live.</summary>
    public string BinDirectory { get; }

    public int PostmasterPid { get; private set; }

    public string DataDirectory => Path.Combine(_baseDirectory, "data");

    /// <summary>The directory of the unix socket (<c>.s.PGSQL.&lt;port&gt;</c>); local connections are trusted.</summary>
    public string SocketDirectory => _baseDirectory;

    public string LogPath => Path.Combine(_baseDirectory, "postgres.log");

    /// <summary>Initializes and starts a new server; throws with the server log's tail when it cannot.</summary>
    public static Task<PostgresServer> StartAsync(CancellationToken ct = default) => StartAsync(tls: null, ct);

    /// <summary>
    /// As <see cref="StartAsync(CancellationToken)"/>, with <c>ssl = on</c> and the given PEM certificate and key (when
    /// not null). Clients may still connect without TLS: the pg_hba lines are <c>host</c>, not <c>hostssl</c>.
    /// </summary>
    public static async Task<PostgresServer> StartAsync(PostgresServerTls? tls, CancellationToken ct = default)
    {
        var binDirectory = FindBinDirectory();
        var asServerUser = Posix.geteuid() == 0;
        if (asServerUser && !File.Exists("/usr/sbin/runuser") && !File.Exists("/usr/bin/runuser") && !File.Exists("/sbin/runuser"))
        {
            throw new InvalidOperationException("Running as root, PostgreSQL must run as the postgres user, but runuser (util-linux) is missing.");
        }

        var baseDirectory = await CreateBaseDirectoryAsync(asServerUser, ct);
        var password = NewSecret();
        try
        {
            await InitializeAsync(binDirectory, baseDirectory, password, asServerUser, ct);
            if (tls is not null)
            {
                await ConfigureTlsAsync(baseDirectory, tls, asServerUser, ct);
            }

            // The port is free when probed but may be taken before postgres binds it: try a few.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreeLoopbackPort();
                var started = await TryStartAsync(binDirectory, baseDirectory, port, asServerUser, ct);
                if (!started)
                {
                    if (attempt < 3)
                    {
                        continue;
                    }

                    throw new InvalidOperationException($"PostgreSQL could not bind a free loopback port in {attempt} attempts." + LogTailOf(baseDirectory));
                }

                var server = new PostgresServer(binDirectory, baseDirectory, port, password, ReadPostmasterPid(baseDirectory));
                await server.WaitUntilAcceptingAsync(ct);
                return server;
            }
        }
        catch
        {
            await StopByPidFileAsync(baseDirectory);
            await DeleteDirectoryAsync(baseDirectory);
            throw;
        }
    }

    /// <summary>A connection string for the superuser over TCP (SCRAM), without pooling.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = SuperUser,
        Password = SuperUserPassword,
        Database = database,
        Pooling = false,
        Timeout = 15,
    }.ConnectionString;

    public Task CreateDatabaseAsync(string name, string? owner = null, CancellationToken ct = default) =>
        ExecuteAsync(
            owner is null
                ? $"CREATE DATABASE {QuoteIdentifier(name)}"
                : $"CREATE DATABASE {QuoteIdentifier(name)} OWNER {QuoteIdentifier(owner)}",
            "postgres",
            ct);

    /// <summary>Creates a LOGIN role with a new random password (stored as a SCRAM-SHA-256 verifier) and returns the password.</summary>
    public async Task<string> CreateRoleAsync(string name, CancellationToken ct = default)
    {
        var password = NewSecret(); // hex: safe inside a literal
        await ExecuteAsync($"CREATE ROLE {QuoteIdentifier(name)} LOGIN PASSWORD '{password}'", "postgres", ct);
        return password;
    }

    public async Task ExecuteAsync(string sql, string database = "postgres", CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The last lines of the server log, for assertion messages.</summary>
    public string LogTail(int lines = 40) => LogTailOf(_baseDirectory, lines);

    /// <summary>Stops the server (fast shutdown, by PID) and keeps its data, so <see cref="RestartAsync"/> can bring it back: an outage.</summary>
    public Task StopAsync() => StopByPidAsync(PostmasterPid);

    /// <summary>Starts the server <see cref="StopAsync"/> stopped, on the same port, and waits until it accepts connections.</summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        if (!await TryStartAsync(BinDirectory, _baseDirectory, Port, Posix.geteuid() == 0, ct))
        {
            throw new InvalidOperationException($"PostgreSQL could not start again on port {Port}." + LogTailOf(_baseDirectory));
        }

        PostmasterPid = ReadPostmasterPid(_baseDirectory);
        await WaitUntilAcceptingAsync(ct);
    }

    /// <summary>Fast shutdown (SIGINT) by the postmaster PID, then SIGQUIT and SIGKILL if it lingers; deletes the directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await StopByPidAsync(PostmasterPid);
        }
        finally
        {
            await DeleteDirectoryAsync(_baseDirectory);
        }
    }

    private static string FindBinDirectory()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("PROXYCLUSTER_PG_BIN") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        candidates.Add("/usr/lib/postgresql/15/bin");
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        foreach (var directory in candidates)
        {
            if (File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl")) && File.Exists(Path.Combine(directory, "postgres")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException(
            $"No PostgreSQL server binaries (initdb, pg_ctl, postgres) in {string.Join(", ", candidates)}. " +
            "Install postgresql-15 (cluster-config/lib/prereqs.sh does) or set PROXYCLUSTER_PG_BIN.");
    }

    private static async Task<string> CreateBaseDirectoryAsync(bool asServerUser, CancellationToken ct)
    {
        if (!asServerUser)
        {
            return Directory.CreateTempSubdirectory(DirectoryPrefix).FullName;
        }

        // Created by the server user itself (mode 0700), in /tmp whatever TMPDIR says: root's own temp
        // directory may not be reachable by postgres.
        var output = await RunAsync("mktemp", ["-d", $"/tmp/{DirectoryPrefix}XXXXXX"], asServerUser, InitdbTimeout, ct);
        var path = output.Trim();
        if (!Directory.Exists(path))
        {
            throw new InvalidOperationException($"mktemp as {ServerUser} printed '{path}', which is not a directory.");
        }

        return path;
    }

    private static async Task InitializeAsync(string binDirectory, string baseDirectory, string password, bool asServerUser, CancellationToken ct)
    {
        // initdb reads the superuser password from a file: readable by the server user (the directory is
        // 0700 and theirs), removed as soon as initdb is done.
        var passwordFile = Path.Combine(baseDirectory, "superuser.password");
        await File.WriteAllTextAsync(passwordFile, password + "\n", ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        try
        {
            await RunAsync(
                Path.Combine(binDirectory, "initdb"),
                [
                    "-D", Path.Combine(baseDirectory, "data"), "-U", ServerUser, "-E", "UTF8", "--locale=C",
                    "--auth-local=trust", "--auth-host=scram-sha-256", $"--pwfile={passwordFile}", "--no-sync",
                ],
                asServerUser,
                InitdbTimeout,
                ct);
        }
        finally
        {
            File.Delete(passwordFile);
        }

        // Appending keeps the file's owner (the server user) even when we are root.
        var settings = $"""

            # --- throwaway server for ProxyCluster tests (durability off on purpose) ---
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '{baseDirectory}'
            max_connections = 200
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            password_encryption = 'scram-sha-256'
            logging_collector = off
            log_min_messages = warning

            """;
        await File.AppendAllTextAsync(Path.Combine(baseDirectory, "data", "postgresql.conf"), settings, ct);
    }

    /// <summary>Writes server.crt and server.key (0600, owned by the server user) into the data directory and turns ssl on.</summary>
    private static async Task ConfigureTlsAsync(string baseDirectory, PostgresServerTls tls, bool asServerUser, CancellationToken ct)
    {
        var data = Path.Combine(baseDirectory, "data");
        var certificate = Path.Combine(data, "server.crt");
        var key = Path.Combine(data, "server.key");
        await File.WriteAllTextAsync(certificate, tls.CertificatePem, ct);
        File.WriteAllText(key, string.Empty);
        if (!OperatingSystem.IsWindows())
        {
            // Restrict before the key is in it: PostgreSQL refuses a key file others could read.
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        await File.WriteAllTextAsync(key, tls.KeyPem, ct);
        if (asServerUser)
        {
            await RunAsync("chown", [$"{ServerUser}:{ServerUser}", certificate, key], asServerUser: false, InitdbTimeout, ct);
        }

        await File.AppendAllTextAsync(Path.Combine(data, "postgresql.conf"), $"""

            ssl = on
            ssl_cert_file = '{certificate}'
            ssl_key_file = '{key}'
            ssl_min_protocol_version = 'TLSv1.2'

            """, ct);
    }

    /// <summary>pg_ctl start -w; false when the port was taken, throws for any other failure.</summary>
    private static async Task<bool> TryStartAsync(string binDirectory, string baseDirectory, int port, bool asServerUser, CancellationToken ct)
    {
        var seconds = ((int)StartTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        try
        {
            await RunAsync(
                Path.Combine(binDirectory, "pg_ctl"),
                [
                    "start", "-w", "-t", seconds, "-D", Path.Combine(baseDirectory, "data"),
                    "-l", Path.Combine(baseDirectory, "postgres.log"), "-o", $"-p {port.ToString(CultureInfo.InvariantCulture)}",
                ],
                asServerUser,
                StartTimeout + TimeSpan.FromSeconds(10),
                ct);
            return true;
        }
        catch (InvalidOperationException) when (LogTailOf(baseDirectory, 10).Contains("could not bind", StringComparison.Ordinal)
            && !File.Exists(Path.Combine(baseDirectory, "data", "postmaster.pid")))
        {
            return false;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            throw new InvalidOperationException($"PostgreSQL did not start on 127.0.0.1:{port}: {e.Message}" + LogTailOf(baseDirectory), e);
        }
    }

    private async Task WaitUntilAcceptingAsync(CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await ExecuteAsync("SELECT 1", "postgres", ct);
                return;
            }
            catch (NpgsqlException) when (deadline.Elapsed < StartTimeout && IsAlive(PostmasterPid))
            {
                await Task.Delay(100, ct);
            }
            catch (NpgsqlException e)
            {
                throw new InvalidOperationException($"PostgreSQL (PID {PostmasterPid}) does not accept connections on {Host}:{Port}: {e.Message}" + LogTail(), e);
            }
        }
    }

    private static int ReadPostmasterPid(string baseDirectory)
    {
        var pidFile = Path.Combine(baseDirectory, "data", "postmaster.pid");
        var firstLine = File.Exists(pidFile) ? File.ReadLines(pidFile).FirstOrDefault() : null;
        if (!int.TryParse(firstLine, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
        {
            throw new InvalidOperationException($"pg_ctl reported a start, but {pidFile} holds no PID ('{firstLine}')." + LogTailOf(baseDirectory));
        }

        return pid;
    }

    private static async Task StopByPidFileAsync(string baseDirectory)
    {
        var pidFile = Path.Combine(baseDirectory, "data", "postmaster.pid");
        if (File.Exists(pidFile)
            && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            await StopByPidAsync(pid);
        }
    }

    private static async Task StopByPidAsync(int pid)
    {
        // SIGINT is PostgreSQL's fast shutdown; SIGQUIT its immediate one.
        foreach (var (signal, wait) in new[] { (Posix.SIGINT, 15), (Posix.SIGQUIT, 5), (Posix.SIGKILL, 5) })
        {
            if (!IsAlive(pid))
            {
                return;
            }

            _ = Posix.kill(pid, signal);
            var waited = Stopwatch.StartNew();
            while (IsAlive(pid) && waited.Elapsed < TimeSpan.FromSeconds(wait))
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>True while PID is a live (not zombie) postgres process; a recycled PID is never ours.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            if (open < 0 || close < open || close + 2 >= stat.Length)
            {
                return false;
            }

            var command = stat[(open + 1)..close];
            var state = stat[close + 2];
            return command == "postgres" && state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task DeleteDirectoryAsync(string path)
    {
        for (var attempt = 1; attempt <= 3 && Directory.Exists(path); attempt++)
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException) when (attempt < 3)
            {
                // A backend still exiting may create or remove files meanwhile; try again.
                await Task.Delay(100);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return; // /tmp is cleaned eventually; a leftover directory must not fail a test run.
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string LogTailOf(string baseDirectory, int lines = 40)
    {
        var path = Path.Combine(baseDirectory, "postgres.log");
        try
        {
            return File.Exists(path)
                ? $"{Environment.NewLine}--- last lines of {path} ---{Environment.NewLine}{string.Join(Environment.NewLine, File.ReadAllLines(path).TakeLast(lines))}"
                : $" ({path} does not exist)";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $" (cannot read {path}: {e.Message})";
        }
    }

    /// <summary>Runs a program (as the server user when asked) with no standard input; returns stdout+stderr, throws on a non-zero exit or timeout.</summary>
    private static async Task<string> RunAsync(string program, IReadOnlyList<string> arguments, bool asServerUser, TimeSpan timeout, CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo
        {
            FileName = asServerUser ? "runuser" : program,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The server user must be able to enter the working directory (the test's may be under /root).
            WorkingDirectory = "/tmp",
        };
        if (asServerUser)
        {
            foreach (var argument in new[] { "-u", ServerUser, "--", program })
            {
                startInfo.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["LC_ALL"] = "C";
        startInfo.Environment.Remove("PGPASSWORD");

        var commandLine = string.Join(' ', startInfo.ArgumentList.Prepend(startInfo.FileName));
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {commandLine}.");
        process.StandardInput.Close();

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutSource.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeoutSource.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeoutSource.Token);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
            var output = await stdout + await stderr;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"'{commandLine}' exited with {process.ExitCode.ToString(CultureInfo.InvariantCulture)}: {output.Trim()}");
            }

            return output;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            KillQuietly(process);
            throw new TimeoutException($"'{commandLine}' did not finish within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }
        catch (OperationCanceledException)
        {
            KillQuietly(process);
            throw;
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private static partial class Posix
    {
        public const int SIGINT = 2;
        public const int SIGQUIT = 3;
        public const int SIGKILL = 9;

        [LibraryImport("libc", SetLastError = true)]
        public static partial int kill(int pid, int sig);

        [LibraryImport("libc")]
        public static partial uint geteuid();
    }
}

/// <summary>The PEM certificate (leaf first) and private key a TLS-enabled <see cref="PostgresServer"/> presents.</summary>
public sealed record PostgresServerTls(string CertificatePem, string KeyPem);
