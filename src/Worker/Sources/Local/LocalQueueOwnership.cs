using System.Globalization;
using System.Text;

namespace TagWorker.Sources.Local;

/// <summary>
/// This process's ownership of a local queue file: an exclusive lock on the sidecar file <c>&lt;queue path&gt;.owner</c>
/// (which also holds the owner's process id, for people). Only the owner receives, so a lease needs no expiry: it
/// lasts until settled, or until the next owner reclaims it. Taken with <see cref="LocalQueue.TakeOwnershipAsync"/>
/// (the <see cref="LocalQueueSource"/> does so when it first runs); disposing it gives ownership up.
/// </summary>
/// <remarks>
/// The lock is <see cref="FileShare.None"/>, which .NET implements on Linux and macOS as an advisory
/// <c>flock(LOCK_EX | LOCK_NB)</c> on the open file (and as a sharing mode on Windows). The kernel drops it when the
/// process ends however it ends, SIGKILL included, so a restarted worker can always take it; and it is held per open
/// file, so a second <see cref="LocalQueue"/> on the same file in the same process is refused too. The sidecar is
/// never deleted: deleting it while another process waits to open it would let two processes lock two different
/// files of the same name. (.NET's <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c> switch turns this lock off; do not set it.)
/// </remarks>
public sealed class LocalQueueOwnership : IDisposable
{
    private readonly FileStream _lockFile;
    private int _released;

    internal LocalQueueOwnership(string lockFilePath, FileStream lockFile, int reclaimedLeases)
    {
        LockFilePath = lockFilePath;
        _lockFile = lockFile;
        ReclaimedLeases = reclaimedLeases;
    }

    /// <summary>The sidecar lock file, <c>&lt;queue path&gt;.owner</c>.</summary>
    public string LockFilePath { get; }

    /// <summary>How many leases of earlier owners were reclaimed when ownership was taken.</summary>
    public int ReclaimedLeases { get; }

    /// <summary>Whether ownership was given up (disposed, or its queue disposed).</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>Gives ownership up: releases the lock. Messages still leased stay leased until the next owner reclaims them.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _lockFile.Dispose();
        }
    }

    /// <summary>Opens and locks the sidecar and writes <paramref name="processId"/> into it; null when another holds it.</summary>
    internal static FileStream? TryLock(string lockFilePath, int processId, out IOException? refusal)
    {
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(lockFilePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception) when (exception is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
        {
            // The sharing violation: another open file holds the lock (EWOULDBLOCK from flock). .NET gives it no
            // type of its own, so the caller reports it as such and keeps the exception as the cause.
            refusal = exception;
            return null;
        }

        refusal = null;

        try
        {
            lockFile.SetLength(0);
            lockFile.Write(Encoding.ASCII.GetBytes(processId.ToString(CultureInfo.InvariantCulture) + "\n"));
            lockFile.Flush();
            return lockFile;
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }
}
