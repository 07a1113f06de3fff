package bitlab.kernel;

import java.util.List;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.messages.reply.KernelInfoReply;

/** kernel_info_reply with the {@code status} field the protocol requires (jjava-jupyter 1.0-a6 omits it). */
final class KernelInfo extends KernelInfoReply {
  @SuppressWarnings("unused") // serialised by Gson
  private final String status = "ok";

  KernelInfo(
      String protocol,
      String name,
      String version,
      LanguageInfo lang,
      String banner,
      List<HelpLink> links) {
    super(protocol, name, version, lang, banner, links);
  }
}
