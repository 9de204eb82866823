using System.Reflection;
using System.Runtime.InteropServices;

namespace ProxyCluster.Sql.Native;

/// <summary>
/// Finds libpg_query. The default probing for "pg_query" looks for <c>libpg_query.so</c>, which Debian ships
/// only in the -dev package; the runtime package has just the versioned soname, so try that first.
/// </summary>
internal static class PgQueryLibrary
{
    private static readonly string[] Candidates = ["libpg_query.so.1504.0", "libpg_query.so", "libpg_query"];

    static PgQueryLibrary() =>
        NativeLibrary.SetDllImportResolver(typeof(PgQueryLibrary).Assembly, Resolve);

    /// <summary>Runs the static constructor (once, thread-safely) so the resolver is in place before the first call.</summary>
    internal static void EnsureResolver()
    {
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != PgQueryNative.LibraryName)
        {
            return 0;
        }

        foreach (var candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out var handle))
            {
                return handle;
            }
        }

        return 0; // fall back to the runtime's default probing, which reports what it tried
    }
}
