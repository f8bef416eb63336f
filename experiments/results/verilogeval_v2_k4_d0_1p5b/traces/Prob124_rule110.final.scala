import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val load  = Input(Bool())
    val data = Input(UInt(512.W))
    val q    = Output(UInt(512.W))
  })
  val q = RegInit(0.U(512.W))
  val loadReg = RegInit(false.B)
  val loadCount = RegInit(0.U(8.W))
  when(io.load) {
    loadReg := true.B
    loadCount := 0.U
  }
  when(loadReg) {
    loadCount := loadCount + 1.U
    when(loadCount === 512.U) {
      q := io.data
      loadReg := false.B
      loadCount := 0.U
    }
  }
  q := q
  io.q := q
}
