// similarity_bench: times the similarity arithmetic of 100,000 output/reference pairs, batched.
//   1. built-in embedder: embed 100,000 outputs and 100,000 references (512 dims), then the paired
//      cosines of the two matrices;
//   2. precomputed random vectors (what a provider returns) at 384, 768 and 1536 dims: the paired
//      cosines alone, pure Eigen.
// Usage: similarity_bench [PAIRS] [REPEATS]. Inputs are generated from a fixed seed, so every run
// times the same work. Compiled with -O2 whatever the build type (see CMakeLists.txt).

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "evaluators/embedding/builtin_embedder.hpp"
#include "evaluators/embedding/vector_math.hpp"

using namespace evalgate;

namespace {

// Thread CPU time: the machine the figures come from is shared, and CPU time is what one scoring
// thread spends regardless of how busy the other cores are.
double cpu_seconds()
{
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// Sentences of 8-24 words from a 2,000-word vocabulary; each reference shares about half of its
// output's words, like an answer and its expected answer.
void make_pairs(std::size_t count, std::vector<std::string>& outputs, std::vector<std::string>& references)
{
  std::mt19937 rng(7);
  std::vector<std::string> vocabulary;
  for (int i = 0; i < 2000; ++i) {
    std::string word;
    for (int len = 3 + i % 7, j = 0; j < len; ++j) {
      word.push_back(static_cast<char>('a' + (rng() % 26)));
    }
    vocabulary.push_back(word);
  }
  std::uniform_int_distribution<std::size_t> pick(0, vocabulary.size() - 1);
  std::uniform_int_distribution<int> length(8, 24);
  outputs.reserve(count);
  references.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::string output;
    std::string reference;
    const int words = length(rng);
    for (int w = 0; w < words; ++w) {
      const std::string& word = vocabulary[pick(rng)];
      output += (w == 0 ? "" : " ") + word;
      reference += (w == 0 ? "" : " ") + (rng() % 2 == 0 ? word : vocabulary[pick(rng)]);
    }
    outputs.push_back(output + ".");
    references.push_back(reference + ".");
  }
}

EmbeddingMatrix random_rows(std::size_t rows, int dims, unsigned seed)
{
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  EmbeddingMatrix m(static_cast<Eigen::Index>(rows), dims);
  for (Eigen::Index i = 0; i < m.size(); ++i) {
    m.data()[i] = normal(rng);
  }
  return m;
}

struct Timing {
  double best = 1e300;
};

} // namespace

int main(int argc, char** argv)
{
  const std::size_t pairs = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  std::printf("similarity_bench: %zu pairs, best of %d, thread CPU seconds\n", pairs, repeats);

  std::vector<std::string> outputs;
  std::vector<std::string> references;
  make_pairs(pairs, outputs, references);

  Timing embed_time;
  Timing cosine_time;
  double checksum = 0;
  for (int r = 0; r < repeats; ++r) {
    double start = cpu_seconds();
    const EmbeddingMatrix out = builtin_embed(outputs);
    const EmbeddingMatrix ref = builtin_embed(references);
    const double embedded = cpu_seconds() - start;
    start = cpu_seconds();
    const Eigen::VectorXf cosines = paired_cosines(out, ref);
    const double compared = cpu_seconds() - start;
    checksum = cosines.mean();
    embed_time.best = std::min(embed_time.best, embedded);
    cosine_time.best = std::min(cosine_time.best, compared);
  }
  std::printf(
      "built-in embedder (512 dims): embed %zu texts %.3f s, cosines %.4f s, total %.3f s = %.0f pairs/s "
      "(mean cosine %.3f)\n",
      2 * pairs, embed_time.best, cosine_time.best, embed_time.best + cosine_time.best,
      static_cast<double>(pairs) / (embed_time.best + cosine_time.best), checksum);

  for (int dims : {384, 768, 1536}) {
    const EmbeddingMatrix a = random_rows(pairs, dims, 1);
    const EmbeddingMatrix b = random_rows(pairs, dims, 2);
    Timing timing;
    for (int r = 0; r < repeats; ++r) {
      const double start = cpu_seconds();
      const Eigen::VectorXf cosines = paired_cosines(a, b);
      timing.best = std::min(timing.best, cpu_seconds() - start);
      checksum = cosines.mean();
    }
    std::printf("precomputed vectors (%4d dims): cosines %.4f s = %.2e pairs/s (mean cosine %+.4f)\n", dims,
                timing.best, static_cast<double>(pairs) / timing.best, checksum);
  }
  return 0;
}
