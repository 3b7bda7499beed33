package io.codegenstreams.inference.internals.ort;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.nn.Block;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.codegenstreams.inference.ModelLoadException;
import io.codegenstreams.inference.ModelSpec;
import io.codegenstreams.inference.internals.text.HfTextCodec;
import io.codegenstreams.inference.spi.BatchSession;
import io.codegenstreams.inference.spi.ByteLevelCodec;
import io.codegenstreams.inference.spi.DecoderBackend;
import io.codegenstreams.inference.spi.ModelInfo;
import io.codegenstreams.inference.spi.TextCodec;

import java.io.IOException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model loaded through DJL's ONNX Runtime engine ({@code Model.newInstance(name, device, "OnnxRuntime")}),
 * with our own {@code SessionOptions} (threads; TensorRT execution provider when asked). Steps then run on the
 * model's {@code OrtSession} directly: DJL 0.33's {@code OrtSymbolBlock} neither exposes {@code RunOptions}
 * (needed to terminate a step that runs past {@code step.timeout.ms}) nor lets an output stay native between
 * calls without wrapping it in an NDManager; the session is read from the block's private field.
 */
final class OrtDecoderBackend implements DecoderBackend {
    private final Model model;
    private final OrtSession session;
    private final OrtEnvironment env;
    private final ModelInfo info;
    private final KvLayout kv;
    private final GraphContract graph;
    private final TextCodec codec;

    private OrtDecoderBackend(Model model, OrtSession session, ModelFiles.Descriptor d, GraphContract graph,
                              TextCodec codec) {
        this.model = model;
        this.session = session;
        this.env = OrtEnvironment.getEnvironment();
        this.info = d.info();
        this.kv = new KvLayout(d.layers(), d.kvHeads(), d.headDim());
        this.graph = graph;
        this.codec = codec;
    }

    static OrtDecoderBackend load(ModelSpec spec, OrtSession.SessionOptions options, Device device) {
        ModelFiles.Descriptor d = ModelFiles.resolve(spec);
        DjlRuntime.onnxRuntime();
        Model model = Model.newInstance(spec.name(), device, "OnnxRuntime");
        HfTextCodec hf = null;
        try {
            model.load(d.onnxDir(), "model", Map.of("sessionOptions", options));
            OrtSession session = sessionOf(model.getBlock());
            GraphContract graph = checkContract(spec, d, session);
            TextCodec codec;
            if (d.layout() == ModelFiles.Layout.OPTIMUM) {
                hf = HfTextCodec.load(spec.name(), d.dir(), d.endTokens(), spec.fimTemplate(),
                        "model." + spec.name() + ".fim.template");
                codec = hf;
            } else {
                codec = new ByteLevelCodec(d.info().bosTokenId(), d.info().eosTokenId());
            }
            return new OrtDecoderBackend(model, session, d, graph, codec);
        } catch (IOException | MalformedModelException | OrtException | RuntimeException e) {
            model.close();
            if (hf != null) {
                hf.close();
            }
            if (e instanceof ModelLoadException mle) {
                throw mle;
            }
            throw new ModelLoadException("Model " + spec.name() + " cannot be loaded from " + d.dir() + ": " + e, e);
        }
    }

    private static OrtSession sessionOf(Block block) {
        try {
            Field f = block.getClass().getDeclaredField("session");
            f.setAccessible(true);
            return (OrtSession) f.get(block);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ModelLoadException("DJL's OrtSymbolBlock no longer exposes its OrtSession (DJL upgrade?): " + e, e);
        }
    }

    private static GraphContract checkContract(ModelSpec spec, ModelFiles.Descriptor d, OrtSession session)
            throws OrtException {
        Map<String, NodeInfo> in = session.getInputInfo();
        var out = session.getOutputInfo().keySet();
        String where = "Model " + spec.name() + " (model." + spec.name() + ".location=" + d.dir() + ")";
        if (d.layout() == ModelFiles.Layout.NATIVE && in.containsKey("past_key_values")) {
            throw new ModelLoadException(where + " was exported for the older ONNX contract"
                    + " (past_key_values -> present_key_values); export it again with"
                    + " inference-processor/training/export.py, which writes past_key_<l>/past_value_<l> -> new_key_values");
        }
        GraphContract graph = GraphContract.of(d.layout(), d.layers(), in.containsKey(GraphContract.USE_CACHE_BRANCH));
        String expected = d.layout() == ModelFiles.Layout.OPTIMUM
                ? "an Optimum text-generation-with-past export: input_ids, attention_mask, position_ids,"
                + " past_key_values.<i>.key|value -> logits, present.<i>.key|value"
                : "the project's contract: input_ids, position_ids, attention_mask, past_key_<l>, past_value_<l>"
                + " -> logits, new_key_values";
        List<String> inputs = new ArrayList<>(List.of("input_ids", "position_ids", "attention_mask"));
        inputs.addAll(graph.pastNames());
        for (String name : inputs) {
            if (!in.containsKey(name)) {
                String hint = name.equals("position_ids") ? " (positions are given explicitly because batched rows"
                        + " are left-padded; re-export with a current optimum-cli, which adds position_ids)" : "";
                throw new ModelLoadException(where + ": the ONNX graph lacks input " + name + hint + "; expected "
                        + expected + " (has " + in.keySet() + ")");
            }
        }
        List<String> outputs = new ArrayList<>(List.of("logits"));
        outputs.addAll(graph.presentNames());
        for (String name : outputs) {
            if (!out.contains(name)) {
                throw new ModelLoadException(where + ": the ONNX graph lacks output " + name + "; expected " + expected
                        + " (has " + out + ")");
            }
        }
        if (in.get(graph.pastNames().get(0)).getInfo() instanceof TensorInfo t && t.type != OnnxJavaType.FLOAT) {
            throw new ModelLoadException(where + ": its KV cache is " + t.type + "; this engine runs float32 graphs"
                    + " (export with --dtype fp32)");
        }
        return graph;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public BatchSession openSession() {
        return new OrtBatchSession(env, session, kv, graph, info.vocabSize(), info.contextLength());
    }

    @Override
    public TextCodec codec() {
        return codec;
    }

    @Override
    public void close() {
        model.close();
        if (codec instanceof HfTextCodec hf) {
            hf.close();
        }
    }
}
