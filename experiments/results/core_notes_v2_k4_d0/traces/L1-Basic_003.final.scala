import chisel3._

class PassthroughHalfWord extends Module {
  val io = IO(new Bundle {
    val input = Input(UInt(16.W))
    val output = Output(UInt(16.W))
  })

  io.output := io.input
}
