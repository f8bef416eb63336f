import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val load  = Input(Bool())
    val data = Input(UInt(10.W))
    val tc   = Output(Bool())
  })
  val counter = Counter(10.W)
  val loadCounter = RegInit(false.B)
  val resetCounter = RegInit(false.B)
  val reset = io.reset.asBool
  when(reset) {
    loadCounter := false.B
    resetCounter := true.B
  } .otherwise {
    loadCounter := io.load
    resetCounter := false.B
  }
  when(resetCounter) {
    counter := 0.U
  } .otherwise {
    counter := counter + 1.U
  }
  when(loadCounter && counter === 9.U) {
    counter := 0.U
  }
  when(counter === 9.U) {
    io.tc := true.B
  } .otherwise {
    io.tc := false.B
  }
}
