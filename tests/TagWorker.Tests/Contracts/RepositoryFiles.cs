namespace TagWorker.Tests.Contracts;

/// <summary>Finds files of the repository from the test binaries' folder, whatever the build output layout.</summary>
internal static class RepositoryFiles
{
    public static string PathOf(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TagWorker.sln")))
            {
                return Path.Combine(dir.FullName, relativePath);
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds TagWorker.sln.");
    }
}
