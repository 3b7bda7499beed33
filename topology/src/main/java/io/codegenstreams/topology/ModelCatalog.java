package io.codegenstreams.topology;

import java.util.Set;

/** Which model names the pipeline accepts, and which one a request without a model gets. */
public record ModelCatalog(Set<String> models, String defaultModel) {
  public ModelCatalog {
    models = Set.copyOf(models);
    if (!models.contains(defaultModel)) {
      throw new IllegalArgumentException("default model " + defaultModel + " is not among the declared models " + models);
    }
  }

  public boolean knows(String model) {
    return model == null || models.contains(model);
  }

  public String resolve(String model) {
    return model == null ? defaultModel : model;
  }
}
