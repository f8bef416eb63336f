import chisel3._

class PassthroughDoubleWord extends Module {
  val io = IO(new Bundle {
    val input = Input(UInt(64.W))
    val output = Output(UInt(64.W))
  })

  io.output := io.input
}
