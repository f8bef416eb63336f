import chisel3._

class WireMax extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(8.W))
  })

  io.out := WireDefault(255.U(8.W))
}
