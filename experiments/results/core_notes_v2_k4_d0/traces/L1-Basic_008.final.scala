import chisel3._

class WireConst extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(16.W))
  })

  io.out := WireDefault(1234.U(16.W))
}
