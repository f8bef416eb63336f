import chisel3._

class PassthroughWord extends Module {
  val io = IO(new Bundle {
    val input = Input(UInt(32.W))
    val output = Output(UInt(32.W))
  })

  io.output := io.input
}
