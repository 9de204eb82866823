namespace ProxyCluster.Control.Migrations;

/// <summary>
/// The store's schema was upgraded by a newer node than this one. An older node must not write to it: its fold
/// and its SQL may not match what the newer version stores.
/// </summary>
public sealed class ControlStoreVersionException(string schema, int recordedVersion, int knownVersion)
    : InvalidOperationException(
        $"the control store schema \"{schema}\" is at version {recordedVersion}, but this node knows migrations up to " +
        $"{knownVersion} only: upgrade this node before it joins the cluster")
{
    public int RecordedVersion { get; } = recordedVersion;

    public int KnownVersion { get; } = knownVersion;
}
