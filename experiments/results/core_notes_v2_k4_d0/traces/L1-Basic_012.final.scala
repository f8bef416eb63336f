import chisel3._

class RegAllOnes extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(16.W))
  })

  val r = RegInit(65535.U(16.W))
  io.out := r
}
