import chisel3._

class PassthroughBit extends Module {
  val io = IO(new Bundle {
    val input = Input(UInt(1.W))
    val output = Output(UInt(1.W))
  })

  io.output := io.input
}
