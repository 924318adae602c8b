import Testing
import IntRSRun

/// `--shard auto` as a library call, with the environment as a dictionary (the CLI's cases are in
/// Tests/IntRSCLITests/ShardAutoTests.swift).
@Suite("shard from a job array's environment (library)")
struct ShardEnvironmentTests {
    @Test("Slurm and Kubernetes variables give the shard; none, or a bad value, is a usage error naming it")
    func resolve() throws {
        let slurm = ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "4", "SLURM_ARRAY_TASK_COUNT": "4"]
        #expect(try ShardEnvironment.resolve(option: "auto", count: nil, environment: slurm) == Shard(index: 2, count: 4))
        #expect(try ShardEnvironment.resolve(option: "auto", count: 5, environment: ["JOB_COMPLETION_INDEX": "4"]) == Shard(index: 4, count: 5))
        #expect(try ShardEnvironment.resolve(option: "1/3", count: nil, environment: slurm) == Shard(index: 1, count: 3))
        #expect(try ShardEnvironment.resolve(option: nil, count: nil, environment: slurm) == nil)
        for env in [[:], ["JOB_COMPLETION_INDEX": "x", ShardEnvironment.countVariable: "2"]] {
            do {
                _ = try ShardEnvironment.resolve(option: "auto", count: nil, environment: env)
                Issue.record("accepted \(env)")
            } catch let e as RunError {
                #expect(e.isUsage)
                #expect(env.isEmpty ? e.description.contains("no job array") : e.description.contains("JOB_COMPLETION_INDEX=\"x\""), "\(e)")
            }
        }
    }
}
