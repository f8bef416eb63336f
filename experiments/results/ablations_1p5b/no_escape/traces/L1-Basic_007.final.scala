import chisel3._

class WireMax extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(8.W))
  })
  val wire = Wire(UInt(8.W))
  wire := 255.U
  io.out := wire
}
